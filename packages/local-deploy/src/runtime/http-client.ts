import * as http from 'http';
import * as https from 'https';

/**
 * Where requests run as an Internet client: the deployment's Internet namespace (whose /etc/hosts
 * names the internet-facing balancers), trusting the deployment's CA, handed over as
 * NODE_EXTRA_CA_CERTS (Node.js adds it to its own CAs; no trust store of the machine changes).
 */
export interface InternetClient {
  readonly namespace: string;
  readonly caFile?: string;
}

/** The answer to one GET: a status and body, or why there is none. */
export interface GetResult {
  readonly status?: number;
  readonly body: string;
  readonly error?: string;
}

/** The environment variable through which Node.js takes more trusted CAs (added to its own). */
export function caEnvironment(client: InternetClient | undefined): Record<string, string> {
  return client?.caFile ? { NODE_EXTRA_CA_CERTS: client.caFile } : {};
}

/** Sends one GET (HTTP or HTTPS, certificates verified); never throws, never takes longer than `timeoutMs`. */
export function get(url: string, timeoutMs: number): Promise<GetResult> {
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise(resolve => {
    const req = client.get(url, { agent: false, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf-8') }));
      res.on('error', e => resolve({ status: res.statusCode, body: '', error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', e => resolve({ body: '', error: describeError(e) }));
  });
}

/** A TLS failure names its code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...) beside its text. */
function describeError(e: NodeJS.ErrnoException): string {
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}
