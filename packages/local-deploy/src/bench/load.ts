import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseWrkOutput, WrkOptions, WrkReport, wrkArgs, wrkScript, wrkShellCommand } from './wrk';
import { LocalDeployment } from '../deploy/deployment';
import { run } from '../runtime/exec';

/** The most a wrk run may take beyond its own duration before it is killed. */
const WRK_GRACE_MS = 15_000;

/** CPU use of the machine while a load ran: all cores together, and the tiers' programs. */
export interface CpuUse {
  /** Share of all cores busy, 0-1. */
  readonly busy: number;
  /** Per program (apache2, uwsgi-core, wrk), in cores (1 = one core fully used). */
  readonly byProgram: Record<string, number>;
}

/** The programs whose CPU use is reported. */
const PROGRAMS = ['apache2', 'uwsgi-core', 'wrk'];

/** A wrk run against a deployment's first published web server, from its Internet namespace. */
export async function runWrk(deployment: LocalDeployment, options: Omit<WrkOptions, 'url'>, workDir: string): Promise<WrkReport & { cpu: CpuUse }> {
  const endpoint = deployment.endpoints[0];
  if (!endpoint) throw new Error('the deployment has no published web server to load');
  const url = `http://${endpoint.elasticIp}:${endpoint.servedPort}/`;
  const script = path.join(workDir, options.failures ? 'wrk-failures.lua' : 'wrk.lua');
  fs.writeFileSync(script, wrkScript(options.failures));
  const argv = ['netns', 'exec', deployment.names.internetNamespace, ...wrkShellCommand(wrkArgs({ ...options, url }, script))];
  const before = sampleCpu();
  const stdout = await runBounded('ip', argv, options.durationSeconds * 1000 + WRK_GRACE_MS);
  const after = sampleCpu();
  return { ...parseWrkOutput(stdout, CLOCK_TICKS), cpu: cpuBetween(before, after) };
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

const CLOCK_TICKS = Number(run('getconf', ['CLK_TCK'], { allowFailure: true }).stdout.trim()) || 100;

interface CpuSample {
  readonly at: number;
  readonly total: number;
  readonly idle: number;
  readonly programs: Record<string, number>;
}

function sampleCpu(): CpuSample {
  const fields = fs.readFileSync('/proc/stat', 'utf-8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const programs: Record<string, number> = Object.fromEntries(PROGRAMS.map(p => [p, 0]));
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!(comm in programs)) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      programs[comm] += Number(rest[11]) + Number(rest[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  // user nice system idle iowait irq softirq steal: idle time is idle + iowait.
  return { at: Date.now(), total: fields.slice(0, 8).reduce((a, b) => a + b, 0), idle: fields[3] + fields[4], programs };
}

/**
 * CPU use between two samples. Per program it counts processes alive at both samples only (a
 * process that ended in between, like wrk itself, is measured by its parent's wait instead).
 */
function cpuBetween(before: CpuSample, after: CpuSample): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const total = after.total - before.total;
  return {
    busy: total > 0 ? 1 - (after.idle - before.idle) / total : NaN,
    byProgram: Object.fromEntries(PROGRAMS.map(p => [p, Math.max(0, after.programs[p] - before.programs[p]) / CLOCK_TICKS / seconds])),
  };
}
