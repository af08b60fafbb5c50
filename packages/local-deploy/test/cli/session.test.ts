import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Session } from '../../src/cli/session';
import { LocalDeployment } from '../../src/deploy/deployment';
import { ExitCode, LocalDeployError } from '../../src/errors';
import { Topology } from '../../src/model/topology';

/** A deployment whose teardown takes a while and is counted. */
function fakeDeployment(id: string) {
  const downs = { count: 0 };
  const deployment = {
    names: { id },
    down: () => {
      downs.count++;
      return new Promise<void>(resolve => setTimeout(resolve, 20));
    },
  } as unknown as LocalDeployment;
  return { deployment, downs };
}

describe('Session.tearDown', () => {
  test('tears a deployment down once, however often it is asked, and says so once', async () => {
    const lines: string[] = [];
    const session = new Session(line => lines.push(line));
    const { deployment, downs } = fakeDeployment('ab12');

    const [first, second] = await Promise.all([session.tearDown(deployment), session.tearDown(deployment)]);
    await session.tearDown(deployment);

    expect(downs.count).toBe(1);
    expect(first).toBe(second);
    expect(first).toBeGreaterThan(0);
    expect(lines.filter(l => l.includes('deployment ab12 is left'))).toHaveLength(1);
  });
});

describe('Session.deploy', () => {
  test.each([
    ['a file that is not there', undefined, /^--secret-values .*missing\.json: cannot be read \(ENOENT\); expected a readable JSON file$/],
    ['a file of another shape', '["a"]', /^--secret-values .*values\.json: not a JSON object; expected a JSON object \{"ssmParameters"/],
  ])('fails on --secret-values naming %s, with exit 2, before anything starts', async (_, content, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-session-'));
    const file = path.join(dir, content === undefined ? 'missing.json' : 'values.json');
    if (content !== undefined) fs.writeFileSync(file, content);
    const session = new Session(() => undefined);
    // A topology the preflight would have to look at: the check comes first, so it never does.
    const error = await session.deploy({} as Topology, { publishPort: 0, healthCheckTimeScale: 0.1, secretValues: file }).catch(e => e);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(LocalDeployError);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(ExitCode.USAGE);
  });
});
