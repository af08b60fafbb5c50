import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runWrk } from './load';
import { BenchResults, DeployTiming, FailoverResult, LoadRun, medianRun, ScaleInResult, ThroughputRow } from './results';
import { WRK_PACKAGE } from './wrk';
import { CloudAssembly } from '../assembly/cloud-assembly';
import { LocalDeployment } from '../deploy/deployment';
import { requiredPackages } from '../deploy/packages';
import { scaleIn } from '../deploy/scaling';
import { mapStack } from '../model/map-stack';
import { Topology } from '../model/topology';
import { cleanupStaleDeployments } from '../runtime/cleanup';
import { sleep } from '../runtime/exec';
import { checkMachine, ensurePackages, probeKernel } from '../runtime/preflight';

/** What a `bench` run measures. */
export interface BenchPlan {
  readonly assemblyDir: string;
  /** Configuration A (the article's) and B (the constructs' defaults): stacks of the assembly. */
  readonly stackA: string;
  readonly stackB: string;
  /** Stacks deployed up and down only, for their timing (e.g. the example app with 8 and 32 app hosts). */
  readonly scaleStacks: string[];
  /** A stack whose app group runs one instance more than its minimum: scaled in by one under load. */
  readonly scaleInStack?: string;
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

/** What the caller of {@link runBench} provides: logging, and tracking for teardown on signals. */
export interface BenchHooks {
  readonly log: (line: string) => void;
  readonly track: (deployment: LocalDeployment) => void;
}

/** Seconds into a failover run at which the uWSGI is killed, and how long the run lasts after it. */
const FAILOVER = { killAfterSeconds: 2, windowAfterKillSeconds: 8 };

/** Measures A against B, then the deploy timings, and returns everything for the report. */
export async function runBench(plan: BenchPlan, hooks: BenchHooks): Promise<BenchResults> {
  const assembly = CloudAssembly.read(plan.assemblyDir);
  const topologies = new Map<string, Topology>();
  const stacks = [plan.stackA, plan.stackB, ...plan.scaleStacks, ...plan.scaleInStack ? [plan.scaleInStack] : []];
  for (const name of stacks) topologies.set(name, mapStack(assembly.stack(name)));
  const packages = [...new Set([...[...topologies.values()].flatMap(requiredPackages), WRK_PACKAGE])].sort();
  checkMachine(packages);
  ensurePackages(packages, hooks.log);
  probeKernel();
  const stale = cleanupStaleDeployments();
  if (stale.length > 0) hooks.log(`Removed what interrupted runs left behind: ${stale.join(', ')}`);
  const machine = machineInfo();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-bench-'));

  try {
    const synthSeconds = plan.synthAppDir ? timeSynth(plan.synthAppDir, hooks.log) : undefined;
    const deploys: DeployTiming[] = [];
    const a = await deploy(plan.stackA, topologies.get(plan.stackA)!, plan, hooks);
    const b = await deploy(plan.stackB, topologies.get(plan.stackB)!, plan, hooks);
    let throughput: ThroughputRow[] = [];
    let failover: BenchResults['failover'];
    try {
      throughput = await measureThroughput(a.deployment, b.deployment, plan, workDir, hooks.log);
      if (plan.failoverConcurrency > 0) {
        failover = {
          a: await measureFailover(a.deployment, plan, workDir, hooks.log),
          b: await measureFailover(b.deployment, plan, workDir, hooks.log),
        };
      }
    } finally {
      deploys.push(await down(a), await down(b));
    }
    for (const name of plan.scaleStacks) deploys.push(await down(await deploy(name, topologies.get(name)!, plan, hooks)));
    let scaleInResult: ScaleInResult | undefined;
    if (plan.scaleInStack) {
      const d = await deploy(plan.scaleInStack, topologies.get(plan.scaleInStack)!, plan, hooks);
      try {
        scaleInResult = await measureScaleIn(d.deployment, plan, workDir, hooks.log);
      } finally {
        await down(d);
      }
    }
    return {
      date: new Date().toISOString(),
      command: plan.command,
      machine,
      healthCheckTimeScale: plan.healthCheckTimeScale,
      durationSeconds: plan.durationSeconds,
      variants: { a: plan.stackA, b: plan.stackB },
      throughput,
      failover,
      deploys,
      synthSeconds,
      scaleIn: scaleInResult,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

interface Deployed {
  readonly stack: string;
  readonly deployment: LocalDeployment;
  readonly upSeconds: number;
  readonly healthySeconds: number;
}

async function deploy(stack: string, topology: Topology, plan: BenchPlan, hooks: BenchHooks): Promise<Deployed> {
  const started = Date.now();
  const options = { publishPort: 0, healthCheckTimeScale: plan.healthCheckTimeScale, log: () => undefined };
  const deployment = await LocalDeployment.up(topology, options, hooks.track);
  const upSeconds = (Date.now() - started) / 1000;
  const healthy = await deployment.waitForHealthyTargets(deployment.healthyWithinMs + 10_000);
  const healthySeconds = (Date.now() - started) / 1000 - upSeconds;
  if (!healthy) {
    await deployment.down();
    throw new Error(`${stack}: not every target became healthy: ${JSON.stringify(deployment.targetHealth())}`);
  }
  hooks.log(`${stack}: up in ${upSeconds.toFixed(1)} s, all ${appHosts(topology)} targets healthy ${healthySeconds.toFixed(1)} s later`);
  return { stack, deployment, upSeconds, healthySeconds };
}

async function down(d: Deployed): Promise<DeployTiming> {
  const started = Date.now();
  await d.deployment.down();
  const downSeconds = (Date.now() - started) / 1000;
  return { stack: d.stack, appHosts: appHosts(d.deployment.topology), upSeconds: d.upSeconds, healthySeconds: d.healthySeconds, downSeconds };
}

/** The hosts registered with a load balancer's target group: the app servers. */
function targetHosts(topology: Topology): Topology['hosts'] {
  const targets = new Set(topology.balancers.flatMap(b => b.listeners.flatMap(l => l.targetGroup.targets)));
  return topology.hosts.filter(h => targets.has(h.name));
}

function appHosts(topology: Topology): number {
  return targetHosts(topology).length;
}

/** Every concurrency: a short warm-up of each, then rounds of A and B in turns. */
async function measureThroughput(a: LocalDeployment, b: LocalDeployment, plan: BenchPlan, workDir: string,
  log: (line: string) => void): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const concurrency of plan.concurrencies) {
    const load = (d: LocalDeployment, durationSeconds: number) =>
      runWrk(d, { connections: concurrency, durationSeconds, timeoutSeconds: 5, failures: false }, workDir);
    await load(a, 1);
    await load(b, 1);
    const runs: { a: LoadRun[]; b: LoadRun[] } = { a: [], b: [] };
    for (let round = 0; round < plan.rounds; round++) {
      for (const [name, d] of [['a', a], ['b', b]] as const) {
        const r = await load(d, plan.durationSeconds);
        if (r.non2xx + r.socketErrors > 0) log(`  ${d.topology.stackName} at ${concurrency}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`);
        runs[name].push({
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
    const row = { concurrency, a: medianRun(runs.a), b: medianRun(runs.b), rounds: plan.rounds };
    log(`concurrency ${concurrency}: A ${row.a.requestsPerSecond.toFixed(0)} req/s p99 ${row.a.p99Ms.toFixed(1)} ms, `
      + `B ${row.b.requestsPerSecond.toFixed(0)} req/s p99 ${row.b.p99Ms.toFixed(1)} ms (B/A ${(row.b.requestsPerSecond / row.a.requestsPerSecond).toFixed(2)})`);
    rows.push(row);
  }
  return rows;
}

/**
 * Loads a deployment and kills the uWSGI of its first target with SIGKILL: how many requests fail,
 * and for how long. Waits for every target to be healthy again afterwards (the supervisor restarts it).
 */
async function measureFailover(d: LocalDeployment, plan: BenchPlan, workDir: string, log: (line: string) => void): Promise<FailoverResult> {
  const listener = d.topology.balancers[0].listeners[0];
  const target = listener.targetGroup.targets[0];
  const instanceId = d.topology.hosts.find(h => h.name === target)!.instanceId;
  const uwsgi = d.state.processes.find(p => p.name === `${target}/uwsgi`);
  if (!uwsgi) throw new Error(`${target} runs no uWSGI to kill`);
  const window = FAILOVER.killAfterSeconds + FAILOVER.windowAfterKillSeconds;
  const load = runWrk(d, { connections: plan.failoverConcurrency, durationSeconds: window, timeoutSeconds: 5, failures: true }, workDir);
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
async function measureScaleIn(d: LocalDeployment, plan: BenchPlan, workDir: string, log: (line: string) => void): Promise<ScaleInResult> {
  const group = targetHosts(d.topology)[0].logicalId;
  const from = d.topology.hosts.filter(h => h.logicalId === group).length;
  const concurrency = plan.failoverConcurrency || 32;
  const durationSeconds = SCALE_IN.afterSeconds + SCALE_IN.windowAfterSeconds;
  const load = runWrk(d, { connections: concurrency, durationSeconds, timeoutSeconds: 5, failures: true }, workDir);
  await sleep(SCALE_IN.afterSeconds * 1000);
  const report = await scaleIn(d, group, from - 1, { timeScale: plan.healthCheckTimeScale, log });
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

function machineInfo() {
  const release = fs.existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf-8'))?.[1] : undefined;
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${release ?? os.type()}, Linux ${os.release()}, Node ${process.version}`,
    loadAverage: os.loadavg(),
  };
}
