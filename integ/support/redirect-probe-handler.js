'use strict';
// Sends one GET to a URL without following redirects and reports the status and Location header.
// Self-contained (Node.js 20, global fetch): runs as a Lambda handler, or locally:
//   TARGET_URL=http://localhost:8080/ node redirect-probe-handler.js '{"timeoutMs":5000}'
// The URL comes from the event's `url`, or else from the TARGET_URL environment variable.
const MAX_TIMEOUT_MS = 5000;

async function handler(event) {
  const { url = process.env.TARGET_URL, timeoutMs = MAX_TIMEOUT_MS } = typeof event === 'string' ? JSON.parse(event) : (event || {});
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new Error(`url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new Error(`timeoutMs must be an integer from 100 to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(timeoutMs)}`);
  }
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return { url, status: response.status, location: response.headers.get('location') };
}

module.exports = { handler };

if (require.main === module) {
  handler(JSON.parse(process.argv[2] || '{}')).then(
    result => console.log(JSON.stringify(result)),
    error => { console.error(error.message); process.exitCode = 1; },
  );
}
