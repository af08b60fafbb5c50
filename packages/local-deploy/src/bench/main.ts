#!/usr/bin/env node
/**
 * `npx projen bench`: compares the article's configuration (A) with the constructs' defaults (B) on
 * the same local topology and writes docs/benchmarks.md. Only this entry point exits and handles
 * signals; everything it measures is in ./compare.
 */
import * as fs from 'fs';
import { BenchPlan, runBench } from './compare';
import { renderBenchmarks } from './report';
import { LocalDeployment } from '../deploy/deployment';
import { ExitCode, LocalDeployError } from '../errors';

export const BENCH_USAGE = `Usage: bench <cdk.out> <stack A> <stack B> [options]
  --scale-stacks <s1,s2>          stacks only deployed up and down, for their timing
  --scale-in-stack <stack>        a stack whose app group is scaled in by one under load
  --concurrency <c1,c2,...>       concurrencies of the load (default 1,8,32,64; each at most 256)
  --rounds <n>                    runs of A and of B, in turns, per concurrency (default 3, at most 10)
  --duration <seconds>            length of each run (default 5, at most 60)
  --failover-concurrency <n>      load during the kill -9 of a uWSGI (default 32; 0 skips it)
  --health-check-time-scale <x>   multiply health check intervals and timeouts by x (default 0.1)
  --synth-app <dir>               time \`cdk synth\` of the CDK app in this folder
  --output <file>                 write the report (Markdown) here (default: print it)`;

/** The parsed command line of `bench`. */
export interface BenchArgs extends Omit<BenchPlan, 'command'> {
  readonly output?: string;
}

/** Parses the command line; pure, so it is tested without running anything. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new LocalDeployError(BENCH_USAGE, ExitCode.OK);
    if (a.startsWith('--')) {
      if (i + 1 >= argv.length) throw new LocalDeployError(`${a} needs a value\n${BENCH_USAGE}`, ExitCode.USAGE);
      opts[a.slice(2)] = argv[++i];
    } else {
      positional.push(a);
    }
  }
  const known = ['scale-stacks', 'scale-in-stack', 'concurrency', 'rounds', 'duration', 'failover-concurrency', 'health-check-time-scale', 'synth-app', 'output'];
  const unknown = Object.keys(opts).filter(k => !known.includes(k));
  if (unknown.length > 0) throw new LocalDeployError(`Unknown option --${unknown[0]}\n${BENCH_USAGE}`, ExitCode.USAGE);
  if (positional.length !== 3) throw new LocalDeployError(`bench needs <cdk.out>, <stack A> and <stack B>\n${BENCH_USAGE}`, ExitCode.USAGE);
  const number = (name: string, fallback: number, min: number, max: number, integer = true) => {
    if (opts[name] === undefined) return fallback;
    const v = Number(opts[name]);
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new LocalDeployError(`--${name} needs ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${opts[name]}"`, ExitCode.USAGE);
    }
    return v;
  };
  const concurrencies = (opts.concurrency ?? '1,8,32,64').split(',').map(c => {
    const v = Number(c);
    if (!Number.isInteger(v) || v < 1 || v > 256) throw new LocalDeployError(`--concurrency needs integers from 1 to 256, got "${c}"`, ExitCode.USAGE);
    return v;
  });
  return {
    assemblyDir: positional[0],
    stackA: positional[1],
    stackB: positional[2],
    scaleStacks: opts['scale-stacks'] ? opts['scale-stacks'].split(',').filter(s => s) : [],
    scaleInStack: opts['scale-in-stack'],
    concurrencies,
    rounds: number('rounds', 3, 1, 10),
    durationSeconds: number('duration', 5, 1, 60),
    failoverConcurrency: number('failover-concurrency', 32, 0, 256),
    healthCheckTimeScale: number('health-check-time-scale', 0.1, 0.01, 1, false),
    synthAppDir: opts['synth-app'],
    output: opts.output,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const live = new Set<LocalDeployment>();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`\n${signal}: tearing down`);
      void Promise.all([...live].map(d => d.down())).finally(() => process.exit(ExitCode.INTERRUPTED));
    });
  }
  const command = `npx projen bench (node packages/local-deploy/lib/bench/main.js ${argv.join(' ')})`;
  const results = await runBench({ ...args, command }, { log, track: d => live.add(d) });
  const report = renderBenchmarks(results);
  if (args.output) {
    fs.writeFileSync(args.output, report);
    log(`Wrote ${args.output}`);
  } else {
    log(report);
  }
  return ExitCode.OK;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => process.exit(code), (e: unknown) => {
    if (e instanceof LocalDeployError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(ExitCode.DEPLOY_FAILED);
  });
}
