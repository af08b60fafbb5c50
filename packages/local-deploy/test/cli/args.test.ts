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
    const argv = ['deploy', 'cdk.out', 'Stack'];
    expect(parseArgs(argv)).toEqual({ command: 'deploy', operands: ['cdk.out', 'Stack'], options: DEFAULT_OPTIONS, argv });
  });

  test('options anywhere on the line, each with its value', () => {
    const argv = ['--requests', '5', 'deploy', '--hold', 'cdk.out', 'Stack', '--publish-port', '0', '--health-check-time-scale', '0.5'];
    expect(parseArgs(argv)).toEqual({
      command: 'deploy',
      operands: ['cdk.out', 'Stack'],
      options: { ...DEFAULT_OPTIONS, requests: 5, hold: true, publishPort: 0, healthCheckTimeScale: 0.5 },
      argv,
    });
  });

  test('bench: A, B and the defaults of its measurements', () => {
    const args = parseArgs(['bench', 'cdk.out', 'A', 'B']);
    expect(args.operands).toEqual(['cdk.out', 'A', 'B']);
    expect(args.options).toEqual({
      ...DEFAULT_OPTIONS,
      scaleStacks: [],
      concurrencies: [1, 8, 32, 64],
      rounds: 3,
      durationSeconds: 5,
      failoverConcurrency: 32,
      healthCheckTimeScale: 0.1,
    });
    expect(args.options.floorStack).toBeUndefined();
    expect(args.options.output).toBeUndefined();
  });

  test('bench: every option of its own', () => {
    const args = parseArgs(['bench', 'cdk.out', 'A', 'B', '--floor-stack', 'F', '--https-stack', 'H', '--http-fleet-stack', 'HF', '--scale-stacks', 'S8,S32', '--scale-in-stack', 'S3',
      '--concurrency', '4,16', '--rounds', '2', '--duration', '3', '--failover-concurrency', '0', '--health-check-time-scale', '0.2',
      '--synth-app', 'app', '--output', 'out.md']);
    expect(args.options).toEqual({
      ...DEFAULT_OPTIONS,
      floorStack: 'F',
      httpsStack: 'H',
      httpFleetStack: 'HF',
      scaleStacks: ['S8', 'S32'],
      scaleInStack: 'S3',
      concurrencies: [4, 16],
      rounds: 2,
      durationSeconds: 3,
      failoverConcurrency: 0,
      healthCheckTimeScale: 0.2,
      synthApp: 'app',
      output: 'out.md',
    });
  });

  test('bench-provisioning: two assemblies and a stack, with rounds, a capacity and a report file', () => {
    const args = parseArgs(['bench-provisioning', 'before.out', 'after.out', 'Stack', '--rounds', '5', '--desired-capacity', '1', '--output', 'cost.md']);
    expect(args).toMatchObject({ command: 'bench-provisioning', operands: ['before.out', 'after.out', 'Stack'] });
    expect(args.options).toEqual({ ...DEFAULT_OPTIONS, rounds: 5, desiredCapacity: 1, output: 'cost.md' });
    expect(() => parseArgs(['bench-provisioning', 'before.out', 'after.out'])).toThrow(/bench-provisioning takes <cdk.out before> <cdk.out after> <stack>, got before.out after.out/);
    expect(() => parseArgs(['bench-provisioning', 'b', 'a', 'S', '--concurrency', '8'])).toThrow(/--concurrency is an option of bench, not of bench-provisioning/);
  });

  test('update takes a deployment id, a cloud assembly and a stack, and no option', () => {
    expect(parseArgs(['update', '3f2a', 'cdk.out', 'Stack'])).toMatchObject({ command: 'update', operands: ['3f2a', 'cdk.out', 'Stack'] });
    expect(() => parseArgs(['update', '3f2a', 'cdk.out'])).toThrow(/update takes <deployment> <cdk.out> <stack>, got 3f2a cdk.out/);
    expect(() => parseArgs(['update', '3f2a', 'cdk.out', 'Stack', '--hold'])).toThrow(/--hold is an option of deploy, not of update/);
  });

  test('reprovision takes a deployment id, or none when one deployment is live', () => {
    expect(parseArgs(['reprovision']).operands).toEqual([]);
    expect(parseArgs(['reprovision', '3f2a']).operands).toEqual(['3f2a']);
  });

  test('preflight takes no operand; --install-packages asks it to install what is missing', () => {
    expect(parseArgs(['preflight'])).toEqual({ command: 'preflight', operands: [], options: DEFAULT_OPTIONS, argv: ['preflight'] });
    expect(parseArgs(['preflight', '--install-packages']).options.installPackages).toBe(true);
    expect(() => parseArgs(['preflight', 'cdk.out'])).toThrow(/preflight takes no operands, got cdk.out/);
    expect(() => parseArgs(['deploy', 'a', 'b', '--install-packages'])).toThrow(/--install-packages is an option of preflight, not of deploy/);
  });

  test('--desired-capacity sets the instances of every Auto Scaling group', () => {
    expect(parseArgs(['deploy', 'a', 'b', '--desired-capacity', '8']).options.desiredCapacity).toBe(8);
  });

  test('--secret-values names the file of the stored values, for deploy and integ only', () => {
    expect(parseArgs(['deploy', 'a', 'b', '--secret-values', 'values.json']).options.secretValues).toBe('values.json');
    expect(parseArgs(['integ', 'integ', '--secret-values', 'values.json']).options.secretValues).toBe('values.json');
    expect(() => parseArgs(['bench', 'a', 'b', 'c', '--secret-values', 'v.json'])).toThrow(/--secret-values is an option of deploy, integ, not of bench/);
  });

  test('no command, or --help, asks for the usage', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(parseArgs(['deploy', '--help']).command).toBe('help');
  });

  test.each([
    [['deploy', 'a', 'b', '--requests', '10001'], /--requests must be a whole number from 0 to 10000, got "10001"/],
    [['deploy', 'a', 'b', '--requests', '-1'], /--requests must be a whole number from 0 to 10000, got "-1"/],
    [['deploy', 'a', 'b', '--requests', '2.5'], /--requests must be a whole number from 0 to 10000, got "2.5"/],
    [['bench', 'a', 'b', 'c', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 256, got "0"/],
    [['bench', 'a', 'b', 'c', '--concurrency', '1,300'], /--concurrency must be a whole number from 1 to 256, got "300"/],
    [['bench', 'a', 'b', 'c', '--rounds', '11'], /--rounds must be a whole number from 1 to 10, got "11"/],
    [['bench', 'a', 'b', 'c', '--duration', '0.5'], /--duration must be a whole number from 1 to 60, got "0.5"/],
    [['bench', 'a', 'b', 'c', '--failover-concurrency', '-1'], /--failover-concurrency must be a whole number from 0 to 256, got "-1"/],
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
    [['bench', 'cdk.out', 'A'], /bench takes <cdk.out> <stack A> <stack B>, got cdk.out A/],
    [['bench', 'a', 'b', 'c', '--concurrency', '8,,32'], /--concurrency needs a comma-separated list without empty items, got "8,,32"/],
    [['bench', 'a', 'b', 'c', '--scale-stacks', 'S8,'], /--scale-stacks needs a comma-separated list without empty items, got "S8,"/],
    [['bench', 'a', 'b', 'c', '--floor-stack', '--output', 'x'], /--floor-stack needs a value, got "--output"/],
    [['bench', 'a', 'b', 'c', '--output'], /--output needs a value/],
    [['deploy', 'a', 'b', '--rounds', '2'], /--rounds is an option of bench, bench-provisioning, not of deploy/],
    [['bench', 'a', 'b', 'c', '--hold'], /--hold is an option of deploy, not of bench/],
    [['integ', 'integ', '--requests', '3'], /--requests is an option of deploy, not of integ/],
  ])('fails on a malformed command line: %j', (argv, message) => {
    const e = usageError(argv);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^Usage:/m);
    expect(e.exitCode).toBe(ExitCode.USAGE);
  });
});
