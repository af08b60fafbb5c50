import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseWrkOutput, wrkArgs, wrkScript, wrkShellCommand } from '../../src/bench/wrk';
import { describeWhen } from '../machine-requirements';

const hasWrk = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;

describe('parseWrkOutput', () => {
  test('reads the report line and the CPU time of the finished wrk', () => {
    const stdout = [
      'Running 5s test @ http://203.0.113.10/',
      'NLBT_WRK_REPORT {"requests":5000,"durationUs":5000000,"status":3,"connect":1,"read":2,"write":0,"timeout":1,"p50Us":4200,"p99Us":19500,"maxUs":5100000,'
        + '"first":1700000000100,"last":1700000001100,"statuses":"503 502 503 "}',
      'NLBT_WRK_CPU 40 10',
    ].join('\n');

    expect(parseWrkOutput(stdout, 100)).toEqual({
      requests: 5000,
      durationSeconds: 5,
      requestsPerSecond: 1000,
      non2xx: 3,
      socketErrors: 4,
      socketErrorKinds: { connect: 1, read: 2, write: 0, timeout: 1 },
      failedStatuses: { 502: 1, 503: 2 },
      p50Ms: 4.2,
      p99Ms: 19.5,
      maxLatencyMs: 5100,
      firstFailureAt: 1700000000100,
      lastFailureAt: 1700000001100,
      wrkCpuSeconds: 0.5,
    });
  });

  test('fails when wrk printed no report, with its last lines', () => {
    expect(() => parseWrkOutput('unable to connect to 203.0.113.10:80 Connection refused', 100)).toThrow(/no report:\nunable to connect/);
  });
});

describe('wrkArgs', () => {
  test('one thread per connection up to two, the duration, timeout and script', () => {
    expect(wrkArgs({ url: 'http://x/', connections: 1, durationSeconds: 5, timeoutSeconds: 5, failures: false }, 's.lua'))
      .toEqual(['-t', '1', '-c', '1', '-d', '5s', '--timeout', '5s', '-s', 's.lua', 'http://x/']);
    expect(wrkArgs({ url: 'http://x/', connections: 64, durationSeconds: 5, timeoutSeconds: 5, failures: false }, 's.lua').slice(0, 4))
      .toEqual(['-t', '2', '-c', '64']);
  });
});

/** A server on 127.0.0.1 that answers 503 while `failing` and 200 otherwise. */
async function server(): Promise<{ port: number; setFailing: (f: boolean) => void; close: () => Promise<void> }> {
  let failing = false;
  const s = http.createServer((_req, res) => {
    res.writeHead(failing ? 503 : 200, { 'Content-Type': 'text/plain' });
    res.end(failing ? 'down' : 'i-0123456789abcdef0');
  });
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve));
  return {
    port: (s.address() as net.AddressInfo).port,
    setFailing: f => (failing = f),
    close: () => new Promise(resolve => { s.closeAllConnections(); s.close(() => resolve()); }),
  };
}

/** Runs wrk (bounded: two seconds, two connections) through the shell command the benchmark uses. */
function runWrk(url: string, failures: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrk-test-'));
  const script = path.join(dir, 'w.lua');
  fs.writeFileSync(script, wrkScript(failures));
  const [cmd, ...args] = wrkShellCommand(wrkArgs({ url, connections: 2, durationSeconds: 2, timeoutSeconds: 2, failures }, script));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', code => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      return code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${out}`));
    });
  });
}

describeWhen(hasWrk, 'wrk: `nlb-tiers-local preflight --install-packages` installs it')('the wrk script (needs wrk; loads 127.0.0.1 only, for two seconds)', () => {
  test('reports requests, latency and wrk\'s own CPU time, and counts no failure when all succeed', async () => {
    const s = await server();
    try {
      const report = parseWrkOutput(await runWrk(`http://127.0.0.1:${s.port}/`, true), 100);

      expect(report.requests).toBeGreaterThan(10);
      expect(report.non2xx).toBe(0);
      expect(report.socketErrors).toBe(0);
      expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms);
      expect(report.maxLatencyMs).toBeGreaterThanOrEqual(report.p99Ms);
      expect(report.failedStatuses).toEqual({});
      expect(report.wrkCpuSeconds).toBeGreaterThan(0);
      expect(report.firstFailureAt).toBe(0);
      expect(report.lastFailureAt).toBe(0);
    } finally {
      await s.close();
    }
  });

  test('notes when the first and the last failed response arrived', async () => {
    const s = await server();
    try {
      const started = Date.now();
      const running = runWrk(`http://127.0.0.1:${s.port}/`, true);
      await new Promise(r => setTimeout(r, 500));
      s.setFailing(true);
      const failingFrom = Date.now();
      await new Promise(r => setTimeout(r, 500));
      s.setFailing(false);
      const failingUntil = Date.now();
      const report = parseWrkOutput(await running, 100);

      expect(report.non2xx).toBeGreaterThan(0);
      expect(Object.keys(report.failedStatuses)).toEqual(['503']);
      expect(report.failedStatuses[503]).toBeGreaterThan(0);
      expect(report.failedStatuses[503]).toBeLessThanOrEqual(report.non2xx);
      expect(report.firstFailureAt).toBeGreaterThanOrEqual(failingFrom - 50);
      expect(report.lastFailureAt).toBeLessThanOrEqual(failingUntil + 50);
      expect(report.lastFailureAt).toBeGreaterThan(report.firstFailureAt);
      expect(report.firstFailureAt).toBeGreaterThan(started);
    } finally {
      await s.close();
    }
  });
});
