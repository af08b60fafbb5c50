import { DEFAULT_OPTIONS, parseArgs } from '../../src/cli/args';
import { ExitCode, LocalDeployError } from '../../src/errors';

function usageError(argv: string[]): LocalDeployError {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof LocalDeployError) return e;
    throw e;
  }
  throw new Error(`parseArgs(${argv.join(' ')}) did not fail`);
}

describe('parseArgs', () => {
  test('a command, its operands and the defaults', () => {
    expect(parseArgs(['deploy', 'cdk.out', 'Stack'])).toEqual({ command: 'deploy', operands: ['cdk.out', 'Stack'], options: DEFAULT_OPTIONS });
  });

  test('options anywhere on the line, each with its value', () => {
    const args = parseArgs(['--requests', '5', 'bench', '--hold', 'cdk.out', 'Stack', '--concurrency', '8', '--output', 'out.jsonl',
      '--publish-port', '0', '--health-check-time-scale', '0.5']);
    expect(args).toEqual({
      command: 'bench',
      operands: ['cdk.out', 'Stack'],
      options: { requests: 5, concurrency: 8, output: 'out.jsonl', hold: true, publishPort: 0, healthCheckTimeScale: 0.5, installPackages: false },
    });
  });

  test('reprovision takes a deployment id, or none when one deployment is live', () => {
    expect(parseArgs(['reprovision']).operands).toEqual([]);
    expect(parseArgs(['reprovision', '3f2a']).operands).toEqual(['3f2a']);
  });

  test('preflight takes no operand; --install-packages asks it to install what is missing', () => {
    expect(parseArgs(['preflight'])).toEqual({ command: 'preflight', operands: [], options: DEFAULT_OPTIONS });
    expect(parseArgs(['preflight', '--install-packages']).options.installPackages).toBe(true);
    expect(() => parseArgs(['preflight', 'cdk.out'])).toThrow(/preflight takes no operands, got cdk.out/);
  });

  test('--desired-capacity sets the instances of every Auto Scaling group', () => {
    expect(parseArgs(['deploy', 'a', 'b', '--desired-capacity', '8']).options.desiredCapacity).toBe(8);
  });

  test('no command, or --help, asks for the usage', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(parseArgs(['deploy', '--help']).command).toBe('help');
  });

  test.each([
    [['deploy', 'a', 'b', '--requests', '10001'], /--requests must be a whole number from 0 to 10000, got "10001"/],
    [['deploy', 'a', 'b', '--requests', '-1'], /--requests must be a whole number from 0 to 10000, got "-1"/],
    [['deploy', 'a', 'b', '--requests', '2.5'], /--requests must be a whole number from 0 to 10000, got "2.5"/],
    [['bench', 'a', 'b', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, got "0"/],
    [['bench', 'a', 'b', '--concurrency', '65'], /--concurrency must be a whole number from 1 to 64, got "65"/],
    [['deploy', 'a', 'b', '--publish-port', '65536'], /--publish-port must be a whole number from 0 to 65535, got "65536"/],
    [['deploy', 'a', 'b', '--health-check-time-scale', '0'], /--health-check-time-scale must be a number from 0.01 to 1, got "0"/],
    [['deploy', 'a', 'b', '--health-check-time-scale', 'fast'], /--health-check-time-scale must be a number from 0.01 to 1, got "fast"/],
    [['deploy', 'a', 'b', '--desired-capacity', '17'], /--desired-capacity must be a whole number from 1 to 16, got "17"/],
  ])('fails on a value out of range, naming the range: %j', (argv, message) => {
    const e = usageError(argv);
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(ExitCode.USAGE);
  });

  test.each([
    [['deploy', 'a', 'b', '--requests'], /--requests needs a value/],
    [['deploy', 'a', 'b', '--fast'], /Unknown option --fast/],
    [['destroy', 'a'], /Unknown command "destroy"/],
    [['deploy', 'cdk.out'], /deploy takes <cdk.out> <stack>, got cdk.out/],
    [['integ'], /integ takes <integ folder>, got none/],
    [['clean', 'now'], /clean takes no operands, got now/],
    [['reprovision', 'a', 'b'], /reprovision takes \[<deployment>\], got a b/],
  ])('fails on a malformed command line: %j', (argv, message) => {
    const e = usageError(argv);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^Usage:/m);
    expect(e.exitCode).toBe(ExitCode.USAGE);
  });
});
