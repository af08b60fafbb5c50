/**
 * Runs inside the Internet namespace as a client there would: sends `count` GETs to a URL one
 * after the other, each on a new connection and bounded by `timeoutMs`, and writes one JSON line
 * per answer. HTTPS certificates are verified, against Node.js's CAs and NODE_EXTRA_CA_CERTS.
 */
import { get } from '../http-client';

const [url, count, timeoutMs] = process.argv.slice(2);

async function main() {
  for (let i = 0; i < Number(count); i++) {
    const start = Date.now();
    const r = await get(url, Number(timeoutMs));
    process.stdout.write(JSON.stringify({ ...r, elapsedMs: Date.now() - start }) + '\n');
  }
}

void main();
