import { spawn } from 'child_process';
import { CLOCK_TICKS, parseMachineTicks, parseProcStat, ProcessTimes, readProcesses, treeTicks } from '../../src/bench/cpu';
import { cpuBetween, CpuSample } from '../../src/bench/load';

describe('parseProcStat', () => {
  test('the pid, parent, program and utime + stime + cutime + cstime, with a name that holds spaces and parentheses', () => {
    const stat = '4242 (uwsgi (worker 1)) S 4200 4200 4200 0 -1 4194624 2000 0 0 0 150 30 12 8 20 0 3 0 1000 200000000 5000';

    expect(parseProcStat(stat)).toEqual({ pid: 4242, ppid: 4200, comm: 'uwsgi (worker 1)', ticks: 150 + 30 + 12 + 8 });
  });

  test('fails on a line that is not /proc/<pid>/stat', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });
});

describe('treeTicks', () => {
  const p = (pid: number, ppid: number, comm: string, ticks: number): ProcessTimes => ({ pid, ppid, comm, ticks });
  const processes = [
    p(1, 0, 'init', 1000),
    p(10, 1, 'node', 50),
    p(11, 10, 'apache2', 20),
    p(12, 11, 'apache2', 5),
    p(13, 10, 'uwsgi', 30),
    p(14, 13, 'uwsgi', 7),
    p(20, 1, 'other', 400),
  ];

  test('sums the roots and all their descendants, by program, and nothing else', () => {
    expect(treeTicks(processes, [11, 13])).toEqual({ total: 20 + 5 + 30 + 7, byProgram: { apache2: 25, uwsgi: 37 } });
    expect(treeTicks(processes, [10]).total).toBe(112);
  });

  test('roots that are gone count nothing', () => {
    expect(treeTicks(processes, [99])).toEqual({ total: 0, byProgram: {} });
  });
});

describe('parseMachineTicks', () => {
  test('all eight counters of the cpu line; idle is idle + iowait', () => {
    expect(parseMachineTicks('cpu  100 5 50 800 20 1 4 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n')).toEqual({ total: 980, idle: 820 });
  });
});

describe('cpuBetween', () => {
  const sample = (at: number, total: number, idle: number, byProgram: Record<string, number>): CpuSample => ({
    at, machine: { total, idle }, deployment: { total: Object.values(byProgram).reduce((a, b) => a + b, 0), byProgram },
  });

  test('the machine\'s busy share, and the deployment\'s cores in all and by program', () => {
    const use = cpuBetween(sample(0, 1000, 500, { apache2: 100, uwsgi: 100 }), sample(2000, 1400, 600, { apache2: 250, uwsgi: 350, node: 10 }), 100);

    expect(use.busy).toBeCloseTo(0.75);
    // 410 ticks in 2 s at 100 ticks per second: 2.05 cores.
    expect(use.deploymentCores).toBeCloseTo(2.05);
    expect(use.byProgram).toEqual({ apache2: 0.75, node: 0.05, uwsgi: 1.25 });
  });
});

describe('on this machine', () => {
  test('a child that burns CPU and is waited for is counted in this process\'s tree', async () => {
    const before = treeTicks(readProcesses(), [process.pid]).total;
    // About 0.3 s of CPU in a shell loop, bounded by its own count.
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done']);
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    const after = treeTicks(readProcesses(), [process.pid]).total;

    expect(CLOCK_TICKS).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThan(0);
  });
});
