import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLOCK_TICKS, readProcesses, treeTicks } from './cpu';
import { runWrk } from './load';
import { BenchResults, cpuMsPerRequest, DeployTiming, FailoverResult, LoadRun, MachineInfo, medianRun, ScaleInResult, ThroughputRow } from './results';
import { LocalDeployment } from '../deploy/deployment';
import { scaleIn } from '../deploy/scaling';
import { Topology } from '../model/topology';
import { sleep } from '../runtime/exec';

/** What a `bench` run measures. */
export interface BenchPlan {
  /** Configuration A (the article's) and B (the constructs' defaults). */
  readonly stackA: string;
  readonly stackB: string;
  /** The floor: the same app behind Apache and uWSGI on one host, no load balancer in between. */
  readonly floorStack?: string;
  /** B's app tier behind the HTTPS web fleet (an Application Load Balancer that terminates TLS). */
  readonly httpsStack?: string;
  /** The same web fleet with an HTTP listener only: what TLS costs is the HTTPS fleet's CPU beyond it. */
  readonly httpFleetStack?: string;
  /** Stacks deployed up and down only, for their timing (e.g. the example app with 8 and 32 app hosts). */
  readonly scaleStacks: string[];
  /** A stack whose app group runs one instance more than its minimum: scaled in by one under load. */
  readonly scaleInStack?: string;
  /** Every stack above, mapped. */
  readonly topologies: ReadonlyMap<string, Topology>;
  readonly concurrencies: number[];
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly failoverConcurrency: number;
  readonly healthCheckTimeScale: number;
  /** The CDK app folder whose `cdk synth` is timed; none: not timed. */
  readonly synthAppDir?: string;
  /** The command line, as the report shows it. */
  readonly command: string;
}

/**
 * What the caller of {@link runBench} provides: logging, and bringing topologies up and down (the
 * caller has checked the machine for all of them, and tears down whatever is still up on a signal).
 */
export interface BenchHooks {
  readonly log: (line: string) => void;
  readonly deploy: (topology: Topology) => Promise<LocalDeployment>;
  /** Tears a deployment down (once, however often called) and returns the seconds it took. */
  readonly tearDown: (deployment: LocalDeployment) => Promise<number>;
}

/** The configurations loaded in turns. */
type Variant = 'a' | 'b' | 'floor' | 'https' | 'httpFleet';

/** The configurations besides A and B, each from its stack in the plan, in the order they are loaded. */
const OPTIONAL_VARIANTS = [['floor', 'floorStack'], ['https', 'httpsStack'], ['httpFleet', 'httpFleetStack']] as const;

/** Seconds into a failover run at which the uWSGI is killed, and how long the run lasts after it. */
const FAILOVER = { killAfterSeconds: 2, windowAfterKillSeconds: 8 };

/** Measures A against B (and the floor), then the deploy timings, and returns everything for the report. */
export async function runBench(plan: BenchPlan, hooks: BenchHooks): Promise<BenchResults> {
  const topology = (name: string) => {
    const t = plan.topologies.get(name);
    if (!t) throw new Error(`${name} was not mapped`);
    return t;
  };
  const machine = machineInfo();
  const live: Deployed[] = [];
  const up = async (name: string) => {
    const d = await deploy(name, topology(name), live.map(x => x.deployment), hooks);
    live.push(d);
    return d;
  };
  const down = async (d: Deployed): Promise<DeployTiming> => {
    const downSeconds = await hooks.tearDown(d.deployment);
    live.splice(live.indexOf(d), 1);
    const { stack, upSeconds, upCpuSeconds, healthySeconds } = d;
    return { stack, appHosts: appHosts(d.deployment.topology), upSeconds, upCpuSeconds, healthySeconds, downSeconds };
  };

  try {
    const synthSeconds = plan.synthAppDir ? timeSynth(plan.synthAppDir, hooks.log) : undefined;
    const a = await up(plan.stackA);
    const b = await up(plan.stackB);
    const optional: Array<[Variant, Deployed]> = [];
    for (const [variant, key] of OPTIONAL_VARIANTS) {
      const stack = plan[key];
      if (stack) optional.push([variant, await up(stack)]);
    }
    const variants = { a: a.deployment, b: b.deployment, ...Object.fromEntries(optional.map(([v, d]) => [v, d.deployment])) };
    const throughput = await measureThroughput(variants, plan, hooks.log);
    const failover = plan.failoverConcurrency > 0 ? {
      a: await measureFailover(a.deployment, plan, hooks.log),
      b: await measureFailover(b.deployment, plan, hooks.log),
    } : undefined;
    const deploys: DeployTiming[] = [];
    for (const d of [a, b, ...optional.map(([, x]) => x)]) deploys.push(await down(d));
    for (const name of plan.scaleStacks) deploys.push(await down(await up(name)));
    let scaleInResult: ScaleInResult | undefined;
    if (plan.scaleInStack) {
      const d = await up(plan.scaleInStack);
      scaleInResult = await measureScaleIn(d.deployment, plan, hooks.log);
      await down(d);
    }
    return {
      date: new Date().toISOString(),
      command: plan.command,
      machine,
      healthCheckTimeScale: plan.healthCheckTimeScale,
      durationSeconds: plan.durationSeconds,
      variants: {
        a: plan.stackA,
        b: plan.stackB,
        ...Object.fromEntries(OPTIONAL_VARIANTS.filter(([, key]) => plan[key]).map(([variant, key]) => [variant, plan[key]])),
      },
      throughput,
      failover,
      deploys,
      synthSeconds,
      scaleIn: scaleInResult,
    };
  } finally {
    // After a failure: whatever is still up goes, once.
    await Promise.all(live.map(d => hooks.tearDown(d.deployment)));
  }
}

interface Deployed {
  readonly stack: string;
  readonly deployment: LocalDeployment;
  readonly upSeconds: number;
  readonly upCpuSeconds: number;
  readonly healthySeconds: number;
}

/**
 * Brings a stack up and waits for its targets. The CPU time of the up is this process's tree
 * less the processes of the deployments already up (their health checks go on meanwhile).
 */
async function deploy(stack: string, topology: Topology, others: LocalDeployment[], hooks: BenchHooks): Promise<Deployed> {
  const cpu = () => {
    const processes = readProcesses();
    const othersTicks = treeTicks(processes, others.flatMap(d => d.state.processes.map(p => p.pid))).total;
    return (treeTicks(processes, [process.pid]).total - othersTicks) / CLOCK_TICKS;
  };
  const cpuBefore = cpu();
  const started = Date.now();
  const deployment = await hooks.deploy(topology);
  const upSeconds = (Date.now() - started) / 1000;
  const upCpuSeconds = cpu() - cpuBefore;
  const healthy = await deployment.waitForHealthyTargets(deployment.healthyWithinMs + 10_000);
  const healthySeconds = (Date.now() - started) / 1000 - upSeconds;
  if (!healthy) {
    await hooks.tearDown(deployment);
    throw new Error(`${stack}: not every target became healthy: ${JSON.stringify(deployment.targetHealth())}`);
  }
  hooks.log(`${stack}: up in ${upSeconds.toFixed(1)} s (${upCpuSeconds.toFixed(1)} CPU-seconds), all ${appHosts(topology)} targets healthy ${healthySeconds.toFixed(1)} s later`);
  return { stack, deployment, upSeconds, upCpuSeconds, healthySeconds };
}

/** The hosts registered with a load balancer's target group: the app servers. */
export function targetHosts(topology: Topology): Topology['hosts'] {
  const targets = new Set(topology.balancers.flatMap(b => b.listeners.flatMap(l => l.targetGroup.targets)));
  return topology.hosts.filter(h => targets.has(h.name));
}

function appHosts(topology: Topology): number {
  return targetHosts(topology).length;
}

/** Every concurrency: a short warm-up of each configuration, then rounds of them in turns (A, B, floor, A, ...). */
async function measureThroughput(deployments: Partial<Record<Variant, LocalDeployment>>, plan: BenchPlan,
  log: (line: string) => void): Promise<ThroughputRow[]> {
  const order = (['a', 'b', ...OPTIONAL_VARIANTS.map(([v]) => v)] as const).filter(v => deployments[v]);
  const rows: ThroughputRow[] = [];
  for (const concurrency of plan.concurrencies) {
    const load = (d: LocalDeployment, durationSeconds: number) =>
      runWrk(d, { connections: concurrency, durationSeconds, timeoutSeconds: 5, failures: false });
    for (const v of order) await load(deployments[v]!, 1);
    const runs: Partial<Record<Variant, LoadRun[]>> = {};
    for (let round = 0; round < plan.rounds; round++) {
      for (const v of order) {
        const d = deployments[v]!;
        const r = await load(d, plan.durationSeconds);
        if (r.non2xx + r.socketErrors > 0) log(`  ${d.topology.stackName} at ${concurrency}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`);
        (runs[v] ??= []).push({
          requestsPerSecond: r.requestsPerSecond,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          errors: r.non2xx + r.socketErrors,
          socketErrors: r.socketErrors,
          requests: r.requests,
          wrkCores: r.wrkCpuSeconds / r.durationSeconds,
          cpu: r.cpu,
        });
      }
    }
    const optional = Object.fromEntries(OPTIONAL_VARIANTS.filter(([v]) => runs[v]).map(([v]) => [v, medianRun(runs[v]!)]));
    const row: ThroughputRow = { concurrency, a: medianRun(runs.a!), b: medianRun(runs.b!), ...optional, rounds: plan.rounds };
    log(`concurrency ${concurrency}: ${order.map(v => `${v === 'a' || v === 'b' ? v.toUpperCase() : v} ${row[v]!.requestsPerSecond.toFixed(0)} req/s `
      + `p99 ${row[v]!.p99Ms.toFixed(1)} ms ${cpuMsPerRequest(row[v]!).toFixed(2)} CPU ms/request`).join(', ')}`);
    rows.push(row);
  }
  return rows;
}

/**
 * Loads a deployment and kills the uWSGI of its first target with SIGKILL: how many requests fail,
 * and for how long. Waits for every target to be healthy again afterwards (the supervisor restarts it).
 */
async function measureFailover(d: LocalDeployment, plan: BenchPlan, log: (line: string) => void): Promise<FailoverResult> {
  const listener = d.topology.balancers[0].listeners[0];
  const target = listener.targetGroup.targets[0];
  const instanceId = d.topology.hosts.find(h => h.name === target)!.instanceId;
  const uwsgi = d.state.processes.find(p => p.name === `${target}/uwsgi`);
  if (!uwsgi) throw new Error(`${target} runs no uWSGI to kill`);
  const window = FAILOVER.killAfterSeconds + FAILOVER.windowAfterKillSeconds;
  const load = runWrk(d, { connections: plan.failoverConcurrency, durationSeconds: window, timeoutSeconds: 5, failures: true });
  await sleep(FAILOVER.killAfterSeconds * 1000);
  const killedAt = Date.now();
  process.kill(uwsgi.pid, 'SIGKILL');
  let markedUnhealthy = NaN;
  let done = false;
  const report = load.finally(() => (done = true));
  while (!done && Number.isNaN(markedUnhealthy)) {
    const state = Object.values(d.targetHealth()).flat().find(t => t.id === instanceId)?.state;
    if (state === 'unhealthy') markedUnhealthy = (Date.now() - killedAt) / 1000;
    else await sleep(50);
  }
  const r = await report;
  const result = {
    concurrency: plan.failoverConcurrency,
    requests: r.requests,
    failedRequests: r.non2xx + r.socketErrors,
    secondsUntilNoneFail: r.lastFailureAt > 0 ? Math.max(0, (r.lastFailureAt - killedAt) / 1000) : 0,
    markedUnhealthySeconds: markedUnhealthy,
  };
  log(`${d.topology.stackName}: kill -9 of ${target}'s uWSGI: ${result.failedRequests} of ${result.requests} requests failed, `
    + `the last ${result.secondsUntilNoneFail.toFixed(2)} s after the kill`);
  await d.waitForHealthyTargets(30_000);
  return result;
}

/** Seconds into a scale-in run at which the group is scaled in, and how long the run lasts after it. */
const SCALE_IN = { afterSeconds: 2, windowAfterSeconds: 6 };

/** Loads a deployment and scales its app group in by one: every request must succeed. */
async function measureScaleIn(d: LocalDeployment, plan: BenchPlan, log: (line: string) => void): Promise<ScaleInResult> {
  const group = targetHosts(d.topology)[0].logicalId;
  const from = d.topology.hosts.filter(h => h.logicalId === group).length;
  const concurrency = plan.failoverConcurrency || 32;
  const durationSeconds = SCALE_IN.afterSeconds + SCALE_IN.windowAfterSeconds;
  const load = runWrk(d, { connections: concurrency, durationSeconds, timeoutSeconds: 5, failures: true });
  await sleep(SCALE_IN.afterSeconds * 1000);
  const report = await scaleIn(d, group, from - 1, { log });
  const r = await load;
  const result = {
    stack: d.topology.stackName,
    from,
    to: from - 1,
    concurrency,
    requests: r.requests,
    failedRequests: r.non2xx + r.socketErrors,
    drainSeconds: report.drainSeconds,
  };
  log(`${result.stack}: scale-in ${from} -> ${from - 1} under load: ${result.failedRequests} of ${result.requests} requests failed`);
  return result;
}

/** Times `cdk synth` of a CDK app into a scratch folder. */
function timeSynth(appDir: string, log: (line: string) => void): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-synth-'));
  try {
    const started = Date.now();
    const r = spawnSync('npx', ['cdk', 'synth', '-q', '-o', out], { cwd: appDir, encoding: 'utf-8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`cdk synth in ${appDir} failed:\n${(r.stderr ?? '').trim().split('\n').slice(-10).join('\n')}`);
    const seconds = (Date.now() - started) / 1000;
    log(`cdk synth of ${appDir}: ${seconds.toFixed(1)} s`);
    return seconds;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** What the machine is, and its load average now. */
export function machineInfo(): MachineInfo {
  const release = fs.existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf-8'))?.[1] : undefined;
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${release ?? os.type()}, Linux ${os.release()}, Node ${process.version}`,
    loadAverage: os.loadavg(),
  };
}
