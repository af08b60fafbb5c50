import { parseBenchArgs } from '../../src/bench/main';
import { ExitCode, LocalDeployError } from '../../src/errors';

describe('parseBenchArgs', () => {
  test('the defaults: concurrencies 1, 8, 32, 64, three rounds of 5 s, failover at 32, time scale 0.1', () => {
    expect(parseBenchArgs(['cdk.out', 'A', 'B'])).toEqual({
      assemblyDir: 'cdk.out',
      stackA: 'A',
      stackB: 'B',
      scaleStacks: [],
      scaleInStack: undefined,
      concurrencies: [1, 8, 32, 64],
      rounds: 3,
      durationSeconds: 5,
      failoverConcurrency: 32,
      healthCheckTimeScale: 0.1,
      synthAppDir: undefined,
      output: undefined,
    });
  });

  test('every option', () => {
    expect(parseBenchArgs(['cdk.out', 'A', 'B', '--scale-stacks', 'S8,S32', '--scale-in-stack', 'S3', '--concurrency', '4,16', '--rounds', '2', '--duration', '3',
      '--failover-concurrency', '0', '--health-check-time-scale', '0.2', '--synth-app', 'app', '--output', 'out.md'])).toEqual({
      assemblyDir: 'cdk.out',
      stackA: 'A',
      stackB: 'B',
      scaleStacks: ['S8', 'S32'],
      scaleInStack: 'S3',
      concurrencies: [4, 16],
      rounds: 2,
      durationSeconds: 3,
      failoverConcurrency: 0,
      healthCheckTimeScale: 0.2,
      synthAppDir: 'app',
      output: 'out.md',
    });
  });

  test.each([
    [['cdk.out', 'A'], /needs <cdk.out>, <stack A> and <stack B>/],
    [['cdk.out', 'A', 'B', '--rounds', '11'], /--rounds needs an integer from 1 to 10, got "11"/],
    [['cdk.out', 'A', 'B', '--duration', '0.5'], /--duration needs an integer from 1 to 60, got "0.5"/],
    [['cdk.out', 'A', 'B', '--concurrency', '1,300'], /--concurrency needs integers from 1 to 256, got "300"/],
    [['cdk.out', 'A', 'B', '--bogus', '1'], /Unknown option --bogus/],
    [['cdk.out', 'A', 'B', '--output'], /--output needs a value/],
  ])('fails on %j, with exit code USAGE', (argv, message) => {
    let error: unknown;
    try { parseBenchArgs(argv); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(LocalDeployError);
    expect((error as LocalDeployError).message).toMatch(message);
    expect((error as LocalDeployError).exitCode).toBe(ExitCode.USAGE);
  });
});
