import * as http from 'http';

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

/** Sends one GET; never throws, never takes longer than `timeoutMs`. */
export function get(url: string, timeoutMs: number): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise(resolve => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf-8') }));
      res.on('error', e => resolve({ status: res.statusCode, body: '', error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', e => resolve({ body: '', error: e.message }));
  });
}

/**
 * Sends `count` requests one after the other (a new connection each, so the balancer's flow hash
 * spreads them), each bounded by `timeoutMs`. Reports each one as it completes.
 */
export async function sendRequests(url: string, count: number, timeoutMs: number,
  onResult: (r: RequestResult) => void = () => undefined): Promise<RequestSummary> {
  const results: RequestResult[] = [];
  for (let index = 1; index <= count; index++) {
    const start = Date.now();
    const r = await get(url, timeoutMs);
    const result: RequestResult = {
      index,
      status: r.status,
      body: r.body.trim(),
      instanceId: INSTANCE_ID.exec(r.body)?.[0],
      error: r.error ?? (r.status !== 200 ? `HTTP ${r.status}` : undefined),
      elapsedMs: Date.now() - start,
    };
    results.push(result);
    onResult(result);
  }
  return {
    results,
    errors: results.filter(r => r.error).length,
    instanceIds: [...new Set(results.map(r => r.instanceId).filter((id): id is string => !!id))],
  };
}
