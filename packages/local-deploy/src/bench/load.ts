import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLOCK_TICKS, MachineTicks, readMachineTicks, readProcesses, TreeTicks, treeTicks } from './cpu';
import { parseWrkOutput, WrkOptions, WrkReport, wrkArgs, wrkScript, wrkShellCommand } from './wrk';
import { LocalDeployment } from '../deploy/deployment';

/** The most a wrk run may take beyond its own duration before it is killed. */
const WRK_GRACE_MS = 15_000;

/** CPU use while a load ran. */
export interface CpuUse {
  /** Share of all the machine's cores busy (with anything, other work included), 0-1. */
  readonly busy: number;
  /** Cores used by the loaded deployment's processes (its servers, agents and their children), all together. */
  readonly deploymentCores: number;
  /** The same by program name (apache2, uwsgi, ...), in cores. */
  readonly byProgram: Record<string, number>;
}

/**
 * A wrk run against a deployment's first published web server (or else its first internet-facing
 * load balancer's site), from its Internet namespace. Its script is written to the deployment's
 * run folder, which goes with the deployment. wrk does not verify certificates (it loads; the
 * request client and the integ calls check the chain against the deployment's CA).
 */
export async function runWrk(deployment: LocalDeployment, options: Omit<WrkOptions, 'url'>): Promise<WrkReport & { cpu: CpuUse }> {
  const endpoint = deployment.endpoints[0];
  const url = endpoint ? `http://${endpoint.elasticIp}:${endpoint.servedPort}/` : deployment.sites[0]?.url;
  if (!url) throw new Error('the deployment has no published web server or internet-facing load balancer to load');
  const script = path.join(deployment.names.runDir, options.failures ? 'wrk-failures.lua' : 'wrk.lua');
  fs.writeFileSync(script, wrkScript(options.failures));
  const argv = ['netns', 'exec', deployment.names.internetNamespace, ...wrkShellCommand(wrkArgs({ ...options, url }, script))];
  const before = sampleCpu(deployment);
  const stdout = await runBounded('ip', argv, options.durationSeconds * 1000 + WRK_GRACE_MS);
  const after = sampleCpu(deployment);
  return { ...parseWrkOutput(stdout, CLOCK_TICKS), cpu: cpuBetween(before, after, CLOCK_TICKS) };
}

/** Runs a command asynchronously (so the caller can act while it runs), killed if it overruns. */
function runBounded(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${err.trim()}\n${out.trim()}`));
    });
  });
}

export interface CpuSample {
  readonly at: number;
  readonly machine: MachineTicks;
  readonly deployment: TreeTicks;
}

function sampleCpu(deployment: LocalDeployment): CpuSample {
  const machine = readMachineTicks();
  return { at: Date.now(), machine, deployment: treeTicks(readProcesses(), deployment.state.processes.map(p => p.pid)) };
}

/** CPU use between two samples of the same deployment. */
export function cpuBetween(before: CpuSample, after: CpuSample, clockTicks: number): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const total = after.machine.total - before.machine.total;
  const cores = (ticks: number) => Math.max(0, ticks) / clockTicks / seconds;
  const programs = [...new Set([...Object.keys(before.deployment.byProgram), ...Object.keys(after.deployment.byProgram)])].sort();
  return {
    busy: total > 0 ? 1 - (after.machine.idle - before.machine.idle) / total : NaN,
    deploymentCores: cores(after.deployment.total - before.deployment.total),
    byProgram: Object.fromEntries(programs.map(p => [p, cores((after.deployment.byProgram[p] ?? 0) - (before.deployment.byProgram[p] ?? 0))])),
  };
}
