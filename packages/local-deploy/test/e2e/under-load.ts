/**
 * Loads a held deployment with wrk at concurrency 32 while a test breaks one of its hosts, until
 * the tool says a replacement of that host is in service: what the replacement tests share.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HeldDeployment } from './harness';
import { CLOCK_TICKS } from '../../src/bench/cpu';
import { parseWrkOutput, WrkReport, wrkArgs, wrkScript, wrkShellCommand } from '../../src/bench/wrk';
import { NAMESPACE_PREFIX } from '../../src/runtime/naming';

export const CONCURRENCY = 32;
/** Each wrk run lasts this long; runs follow each other until the replacement serves, and one more. */
const RUN_SECONDS = 3;
/** The most a case may take; far above what it needs (a hang ends here, not the test's time). */
export const CASE_BOUND_MS = 600_000;

/** What a case measured. */
export interface CaseResult {
  readonly requests: number;
  readonly failed: number;
  /**
   * From the failure until the last failed request: exact for failed statuses (the wrk script
   * times them); a socket error is only known to fall within its run, so it counts as the run's end.
   */
  readonly secondsUntilNoneFail: number;
  /** The replacement's name and instance id, and when the tool said it was in service. */
  readonly replacement: { host: string; instanceId: string; inServiceAt: number };
  /** From the failure until the tool said the replacement was in service (seen at the end of a wrk run). */
  readonly secondsUntilInService: number;
  /** The wrk runs that started once the tool had terminated the broken instance (deregistered it), and their failures. */
  readonly runsAfterTermination: number;
  readonly failedAfterTermination: number;
}

/**
 * One wrk run against `url` from the deployment's Internet namespace (whose /etc/hosts names its
 * internet-facing balancers). wrk does not verify certificates; the tests that load HTTPS verify
 * the chain with a client that trusts the deployment's CA.
 */
function wrkRun(held: HeldDeployment, url: string, script: string): Promise<WrkReport & { startedAt: number }> {
  const args = wrkArgs({ url, connections: CONCURRENCY, durationSeconds: RUN_SECONDS, timeoutSeconds: 5, failures: true }, script);
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', `${NAMESPACE_PREFIX}${held.state.id}-internet`, ...wrkShellCommand(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_SECONDS * 1000 + 20_000);
    child.on('close', code => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${out}`));
      else resolve({ ...parseWrkOutput(out, CLOCK_TICKS), startedAt });
    });
  });
}

/**
 * Loads `url` with wrk runs, one after another, while `fail` breaks `host`, until the tool says
 * that a replacement of `host` is in service and a whole run after that has passed. Nothing fails
 * before `fail`, nor in any run that started after the tool terminated `host`.
 */
export async function underLoad(held: HeldDeployment, url: string, host: string, fail: () => void): Promise<CaseResult> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-wrk-')), 'failures.lua');
  fs.writeFileSync(script, wrkScript(true));
  const replaced = new RegExp(`: ${host} replaced by (\\w+) \\((i-[0-9a-f]{17})\\), in service`);
  const terminating = `terminating ${host} (`;
  let terminatedAt = Infinity;
  const runs: Array<WrkReport & { startedAt: number }> = [];
  let replacement: CaseResult['replacement'] | undefined;
  let failedAt = 0;
  try {
    runs.push(await wrkRun(held, url, script));
    failedAt = Date.now();
    fail();
    const deadline = failedAt + CASE_BOUND_MS;
    while (Date.now() < deadline) {
      const run = await wrkRun(held, url, script);
      runs.push(run);
      if (terminatedAt === Infinity && held.output().includes(terminating)) terminatedAt = Date.now();
      const m = replaced.exec(held.output());
      if (m && !replacement) replacement = { host: m[1], instanceId: m[2], inServiceAt: Date.now() };
      // A run that started after the replacement was in service ends the case.
      if (replacement && run.startedAt > replacement.inServiceAt) break;
    }
  } finally {
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
  }
  if (!replacement) throw new Error(`no replacement of ${host} was in service within ${CASE_BOUND_MS / 1000}s:\n${held.output().slice(-4000)}`);
  const lastFailure = Math.max(0, ...runs.map(r => (r.socketErrors > 0 ? r.startedAt + r.durationSeconds * 1000 : r.lastFailureAt)));
  const result = {
    requests: runs.reduce((n, r) => n + r.requests, 0),
    failed: runs.reduce((n, r) => n + r.non2xx + r.socketErrors, 0),
    secondsUntilNoneFail: lastFailure > failedAt ? (lastFailure - failedAt) / 1000 : 0,
    replacement,
    secondsUntilInService: (replacement.inServiceAt - failedAt) / 1000,
    runsAfterTermination: runs.filter(r => r.startedAt > terminatedAt).length,
    failedAfterTermination: runs.filter(r => r.startedAt > terminatedAt).reduce((n, r) => n + r.non2xx + r.socketErrors, 0),
  };
  expect(runs[0].non2xx + runs[0].socketErrors).toBe(0);
  // Once the broken instance is out of its target group, nothing fails: the other instances carry
  // every request. The last run began once the replacement was in service, so there is one at least.
  if (result.failedAfterTermination > 0) {
    // eslint-disable-next-line no-console
    console.log(`failures in runs that started after ${host} was terminated:\n${runs.filter(r => r.startedAt > terminatedAt)
      .map(r => `  run at +${((r.startedAt - failedAt) / 1000).toFixed(1)} s: statuses ${JSON.stringify(r.failedStatuses)}, socket errors ${JSON.stringify(r.socketErrorKinds)}`)
      .join('\n')}`);
  }
  expect(result.runsAfterTermination).toBeGreaterThan(0);
  expect(result.failedAfterTermination).toBe(0);
  return result;
}
