import * as fs from 'fs';
import { get } from './http-requests';
import { LocalDeployment } from '../deploy/deployment';
import { sleep } from '../runtime/exec';

/** Measurements of one benchmark run. */
export interface BenchmarkResult {
  readonly upSeconds: number;
  readonly healthySeconds: number;
  readonly sequential: { readonly requests: number; readonly errors: number; readonly medianMs: number; readonly p95Ms: number };
  readonly concurrent: { readonly concurrency: number; readonly requests: number; readonly errors: number; readonly requestsPerSecond: number };
  readonly fault: { readonly markedUnhealthySeconds: number; readonly lastFailureSeconds: number; readonly failedRequests: number };
}

/** Bounds of every request loop of the benchmark. */
const LIMITS = { requestTimeoutMs: 5000, faultWindowMs: 20_000, faultMaxRequests: 5000 };

/**
 * Measures a running deployment through its published URL: sequential latency, throughput at a
 * concurrency, and how long failures last after one app host's uWSGI is killed with SIGKILL.
 */
export async function benchmark(deployment: LocalDeployment, upSeconds: number, healthySeconds: number,
  options: { requests: number; concurrency: number }): Promise<BenchmarkResult> {
  const url = deployment.endpoints[0].url;

  const latencies: number[] = [];
  let sequentialErrors = 0;
  for (let i = 0; i < options.requests; i++) {
    const start = process.hrtime.bigint();
    const r = await get(url, LIMITS.requestTimeoutMs);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 200) sequentialErrors++;
  }
  latencies.sort((a, b) => a - b);

  let concurrentErrors = 0;
  let sent = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (sent < options.requests) {
      sent++;
      if ((await get(url, LIMITS.requestTimeoutMs)).status !== 200) concurrentErrors++;
    }
  }));
  const elapsed = (Date.now() - started) / 1000;

  return {
    upSeconds,
    healthySeconds,
    sequential: { requests: options.requests, errors: sequentialErrors, medianMs: percentile(latencies, 50), p95Ms: percentile(latencies, 95) },
    concurrent: {
      concurrency: options.concurrency,
      requests: options.requests,
      errors: concurrentErrors,
      requestsPerSecond: options.requests / elapsed,
    },
    fault: await measureFault(deployment, url),
  };
}

async function measureFault(deployment: LocalDeployment, url: string) {
  const target = deployment.topology.balancers[0].listeners[0].targetGroup.targets[0];
  const host = deployment.topology.hosts.find(h => h.name === target)!;
  const uwsgi = deployment.state.processes.find(p => p.name === `${target}/uwsgi`)!;
  const stateOf = () => Object.values(deployment.targetHealth()).flat().find(t => t.id === host.instanceId)?.state;

  const killedAt = Date.now();
  process.kill(uwsgi.pid, 'SIGKILL');
  let markedUnhealthy = NaN;
  let lastFailure = 0;
  let failed = 0;
  for (let i = 0; i < LIMITS.faultMaxRequests && Date.now() - killedAt < LIMITS.faultWindowMs; i++) {
    if (Number.isNaN(markedUnhealthy) && stateOf() === 'unhealthy') markedUnhealthy = Date.now() - killedAt;
    const r = await get(url, LIMITS.requestTimeoutMs);
    if (r.status !== 200) {
      failed++;
      lastFailure = Date.now() - killedAt;
    }
    // Stop once the target is out and a second has passed without failures.
    if (!Number.isNaN(markedUnhealthy) && Date.now() - killedAt - lastFailure > 1000) break;
    await sleep(10);
  }
  return { markedUnhealthySeconds: markedUnhealthy / 1000, lastFailureSeconds: lastFailure / 1000, failedRequests: failed };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Appends a result as one JSON line, so runs on different machines can be compared. */
export function recordBenchmark(file: string, result: BenchmarkResult, context: Record<string, unknown>) {
  fs.appendFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...context, ...result }) + '\n');
}
