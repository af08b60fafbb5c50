'use strict';
// Calls a URL several times and reports the distinct bodies of its 200 answers.
// Self-contained (Node.js 20, global fetch): runs as a Lambda handler, or locally:
//   TARGET_URL=http://localhost:8080/ node distinct-bodies-handler.js '{"count":20,"timeoutMs":5000}'
// The URL comes from the event's `url`, or else from the TARGET_URL environment variable.
const MAX_COUNT = 30;
const MAX_TIMEOUT_MS = 5000;
const MAX_BODY_CHARS = 200;

async function handler(event) {
  const { url = process.env.TARGET_URL, count = 10, timeoutMs = MAX_TIMEOUT_MS } = typeof event === 'string' ? JSON.parse(event) : (event || {});
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new Error(`url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new Error(`count must be an integer from 1 to ${MAX_COUNT}, got ${JSON.stringify(count)}`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new Error(`timeoutMs must be an integer from 100 to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(timeoutMs)}`);
  }
  const bodies = new Set();
  const errors = new Set();
  let ok = 0;
  for (let i = 0; i < count; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      const body = (await response.text()).slice(0, MAX_BODY_CHARS);
      if (response.status === 200) {
        ok++;
        bodies.add(body);
      } else {
        errors.add(`HTTP ${response.status}`);
      }
    } catch (e) {
      errors.add(String((e && e.cause && e.cause.code) || (e && e.name) || e));
    }
  }
  return { url, requests: count, ok, distinctBodies: [...bodies].sort(), errors: [...errors].sort() };
}

module.exports = { handler };

if (require.main === module) {
  handler(JSON.parse(process.argv[2] || '{}')).then(
    result => console.log(JSON.stringify(result)),
    error => { console.error(error.message); process.exitCode = 1; },
  );
}
