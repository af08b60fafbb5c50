import { describeFailure, runCommand } from '../../src/cli/main';
import { Session } from '../../src/cli/session';
import { ExitCode, LocalDeployError, UnsupportedFeatureError } from '../../src/errors';
import { REFERENCE } from '../fixtures';

function session() {
  const lines: string[] = [];
  return { lines, session: new Session(line => lines.push(line)) };
}

describe('runCommand', () => {
  test('plan prints what would run and returns 0 (no root needed)', async () => {
    const { lines, session: s } = session();
    await expect(runCommand(['plan', REFERENCE.dir, REFERENCE.stack], s)).resolves.toBe(ExitCode.OK);
    expect(lines.join('\n')).toMatch(/host web1 .* EIP 203.0.113.11 :80 Amazon Linux 2023/);
  });

  test('help prints the usage and returns 0', async () => {
    const { lines, session: s } = session();
    await expect(runCommand([], s)).resolves.toBe(ExitCode.OK);
    expect(lines[0]).toMatch(/^Usage:/);
  });

  test('fails with the usage error of a bad command line, without exiting', async () => {
    await expect(runCommand(['plan'], session().session)).rejects.toMatchObject({ exitCode: ExitCode.USAGE });
  });
});

describe('describeFailure', () => {
  test('an error the tool expects: its message and exit code, no stack trace', () => {
    expect(describeFailure(new LocalDeployError('not root', ExitCode.UNSUPPORTED_MACHINE))).toEqual({ message: 'not root', exitCode: ExitCode.UNSUPPORTED_MACHINE });
    expect(describeFailure(new UnsupportedFeatureError('Fn::If is not supported'))).toEqual({
      message: 'The template asks for something the local deploy cannot run: Fn::If is not supported',
      exitCode: ExitCode.UNSUPPORTED_RESOURCES,
    });
  });

  test('a bug keeps its stack trace', () => {
    const failure = describeFailure(new TypeError('x is undefined'));
    expect(failure.exitCode).toBe(ExitCode.DEPLOY_FAILED);
    expect(failure.message).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});
