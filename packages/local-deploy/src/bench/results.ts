import { CpuUse } from './load';

/** One load run of one configuration, as reported. */
export interface LoadRun {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx responses plus socket errors. */
  readonly errors: number;
  /** Of those, the socket errors (connect, read, write, timeout). */
  readonly socketErrors: number;
  readonly requests: number;
  /** wrk's own CPU use, in cores. */
  readonly wrkCores: number;
  readonly cpu: CpuUse;
}

/** The configurations at one concurrency: the median of the rounds for each. */
export interface ThroughputRow {
  readonly concurrency: number;
  readonly a: LoadRun;
  readonly b: LoadRun;
  /** The floor, when one was measured. */
  readonly floor?: LoadRun;
  /** B's app tier behind the HTTPS web fleet, when one was measured. */
  readonly https?: LoadRun;
  /** The same web fleet with an HTTP listener only, when one was measured. */
  readonly httpFleet?: LoadRun;
  readonly rounds: number;
}

/** A `kill -9` of one app server's uWSGI under load. */
export interface FailoverResult {
  readonly concurrency: number;
  readonly requests: number;
  /** Non-200 responses plus socket errors from the kill to the end of the window. */
  readonly failedRequests: number;
  /** From the kill to the last failed response; 0 when none failed. */
  readonly secondsUntilNoneFail: number;
  /** From the kill until the balancer marked the target unhealthy (NaN if it did not in the window). */
  readonly markedUnhealthySeconds: number;
}

/** A local deployment brought up and torn down. */
export interface DeployTiming {
  readonly stack: string;
  readonly appHosts: number;
  readonly upSeconds: number;
  /** CPU time (all cores together) that bringing it up took: the tool and every process it ran. */
  readonly upCpuSeconds: number;
  /** From up until every target was healthy. */
  readonly healthySeconds: number;
  readonly downSeconds: number;
}

/** Scaling a running group in by one under load. */
export interface ScaleInResult {
  readonly stack: string;
  readonly from: number;
  readonly to: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly failedRequests: number;
  /** From the deregistration until the drained instance was stopped. */
  readonly drainSeconds: number;
}

/** What the machine is. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly loadAverage: number[];
}

/** Everything one `bench` run measured. */
export interface BenchResults {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly healthCheckTimeScale: number;
  readonly durationSeconds: number;
  readonly variants: { readonly a: string; readonly b: string; readonly floor?: string; readonly https?: string; readonly httpFleet?: string };
  readonly throughput: ThroughputRow[];
  readonly failover?: { readonly a: FailoverResult; readonly b: FailoverResult };
  readonly deploys: DeployTiming[];
  readonly synthSeconds?: number;
  readonly scaleIn?: ScaleInResult;
}

/** The median of a list of runs, by requests per second (the run itself, so its numbers agree). */
export function medianRun(runs: LoadRun[]): LoadRun {
  if (runs.length === 0) throw new Error('no runs');
  const sorted = [...runs].sort((x, y) => x.requestsPerSecond - y.requestsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  // Errors of every round count: an error in any round is an error of the configuration.
  const sum = (f: (r: LoadRun) => number) => runs.reduce((n, r) => n + f(r), 0);
  return { ...median, errors: sum(r => r.errors), socketErrors: sum(r => r.socketErrors), requests: sum(r => r.requests) };
}

/** Milliseconds of CPU, all cores together, that the loaded deployment's processes spent per request. */
export function cpuMsPerRequest(run: LoadRun): number {
  return (run.cpu.deploymentCores * 1000) / run.requestsPerSecond;
}

/** Milliseconds of the machine's CPU (busy share of all its cores, other work included) per request. */
export function machineCpuMsPerRequest(run: LoadRun, cores: number): number {
  return (run.cpu.busy * cores * 1000) / run.requestsPerSecond;
}
