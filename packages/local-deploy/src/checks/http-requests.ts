import { spawn } from 'child_process';
import { requestClientCommand } from '../runtime/agents';
import { caEnvironment, get, GetResult, InternetClient } from '../runtime/http-client';

/** One request sent through the published web server. */
export interface RequestResult {
  readonly index: number;
  readonly status?: number;
  readonly body: string;
  readonly instanceId?: string;
  readonly error?: string;
  readonly elapsedMs: number;
}

/** The verdict on a series of requests. */
export interface RequestSummary {
  readonly results: RequestResult[];
  readonly errors: number;
  readonly instanceIds: string[];
}

const INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/;

/**
 * Sends `count` requests one after the other (a new connection each, so the balancer's flow hash
 * spreads them), each bounded by `timeoutMs`. Reports each one as it completes. With a `client`,
 * they are sent from the Internet namespace by the request-client agent, trusting the local CA.
 */
export async function sendRequests(url: string, count: number, timeoutMs: number,
  onResult: (r: RequestResult) => void = () => undefined, client?: InternetClient): Promise<RequestSummary> {
  const results: RequestResult[] = [];
  const record = (r: GetResult & { elapsedMs: number }) => {
    const result: RequestResult = {
      index: results.length + 1,
      status: r.status,
      body: r.body.trim(),
      instanceId: INSTANCE_ID.exec(r.body)?.[0],
      error: r.error ?? (r.status !== 200 ? `HTTP ${r.status}` : undefined),
      elapsedMs: r.elapsedMs,
    };
    results.push(result);
    onResult(result);
  };
  if (client) {
    await getFromInternet(client, url, count, timeoutMs, record);
  } else {
    for (let index = 1; index <= count; index++) {
      const start = Date.now();
      record({ ...await get(url, timeoutMs), elapsedMs: Date.now() - start });
    }
  }
  return {
    results,
    errors: results.filter(r => r.error).length,
    instanceIds: [...new Set(results.map(r => r.instanceId).filter((id): id is string => !!id))],
  };
}

/**
 * Runs the request-client agent (compiled next to the tool) in the Internet namespace and reads
 * one JSON line per request; killed when it outlives every request's bound. Requests it did not
 * answer count as failed.
 */
export function getFromInternet(client: InternetClient, url: string, count: number, timeoutMs: number,
  record: (r: GetResult & { elapsedMs: number }) => void): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...caEnvironment(client) };
  return new Promise(resolve => {
    const [command, ...args] = requestClientCommand(client.namespace, url, count, timeoutMs);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let pending = '';
    let stderr = '';
    child.stdout.on('data', d => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        seen++;
        record(JSON.parse(line));
      }
    });
    child.stderr.on('data', d => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), count * (timeoutMs + 1000) + 10_000);
    const done = (why: string) => {
      clearTimeout(timer);
      for (; seen < count; seen++) record({ body: '', error: why, elapsedMs: 0 });
      resolve();
    };
    child.on('error', e => done(`the request client did not start: ${e.message}`));
    child.on('close', code => done(`the request client ended (${code}) before answering: ${stderr.trim().slice(0, 300)}`));
  });
}
