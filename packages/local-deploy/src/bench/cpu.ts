import * as fs from 'fs';
import { run } from '../runtime/exec';

/**
 * CPU accounting from /proc: the machine's busy share, and the CPU time of a tree of processes.
 *
 * A process's CPU time here is its own (`utime` + `stime`) plus that of its children it has waited
 * for (`cutime` + `cstime`, fields 14-17 of /proc/<pid>/stat, proc(5)): the kernel adds a reaped
 * child's times, its own reaped children's included, to its parent's. Summed over the processes of
 * a tree that are alive, that counts every process that ever ran in it exactly once, as long as its
 * parent was in the tree when it ended; a process that detaches (its parent exits first, and init
 * reaps it) is lost. The processes of a local deployment all run under the tool, which waits for them.
 */

/** Clock ticks per second of the times in /proc. */
export const CLOCK_TICKS = Number(run('getconf', ['CLK_TCK'], { allowFailure: true }).stdout.trim()) || 100;

/** One line of /proc/<pid>/stat, as far as CPU time goes. */
export interface ProcessTimes {
  readonly pid: number;
  readonly ppid: number;
  /** The program name (`comm`), e.g. `apache2`. */
  readonly comm: string;
  /** utime + stime + cutime + cstime, in clock ticks. */
  readonly ticks: number;
}

/** Parses /proc/<pid>/stat. The name is in parentheses and may hold spaces and parentheses itself. */
export function parseProcStat(stat: string): ProcessTimes {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  // After the name: state (field 3), ppid (4), ... utime (14), stime (15), cutime (16), cstime (17).
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(stat.slice(0, open).trim()),
    ppid: field(4),
    comm: stat.slice(open + 1, close),
    ticks: field(14) + field(15) + field(16) + field(17),
  };
}

/** Every process of the machine now. */
export function readProcesses(): ProcessTimes[] {
  const out: ProcessTimes[] = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      out.push(parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf-8')));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** CPU time of a tree of processes, in clock ticks: all of it, and by program name. */
export interface TreeTicks {
  readonly total: number;
  readonly byProgram: Record<string, number>;
}

/** Sums the CPU time of the roots and all their live descendants (see the header of this file). */
export function treeTicks(processes: ProcessTimes[], roots: number[]): TreeTicks {
  const children = new Map<number, ProcessTimes[]>();
  for (const p of processes) children.set(p.ppid, [...children.get(p.ppid) ?? [], p]);
  const seen = new Set<number>();
  const queue = processes.filter(p => roots.includes(p.pid));
  const byProgram: Record<string, number> = {};
  let total = 0;
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    total += p.ticks;
    byProgram[p.comm] = (byProgram[p.comm] ?? 0) + p.ticks;
    queue.push(...children.get(p.pid) ?? []);
  }
  return { total, byProgram };
}

/** The CPU time, in seconds, that this process and everything it started have used so far. */
export function ownTreeCpuSeconds(): number {
  return treeTicks(readProcesses(), [process.pid]).total / CLOCK_TICKS;
}

/** The machine's CPU time counters (all cores together), in clock ticks. */
export interface MachineTicks {
  readonly total: number;
  readonly idle: number;
}

/** Parses the first line of /proc/stat: user nice system idle iowait irq softirq steal; idle time is idle + iowait. */
export function parseMachineTicks(procStat: string): MachineTicks {
  const fields = procStat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), idle: fields[3] + fields[4] };
}

export function readMachineTicks(): MachineTicks {
  return parseMachineTicks(fs.readFileSync('/proc/stat', 'utf-8'));
}
