/**
 * The load generator of the benchmark: wrk (Debian's package), driven by a Lua script that prints
 * its summary as one JSON line, so nothing depends on wrk's human-readable output.
 */

/** The Debian package that provides wrk. */
export const WRK_PACKAGE = 'wrk';

/** What one wrk run measured. */
export interface WrkReport {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  /** Responses other than 2xx/3xx. */
  readonly non2xx: number;
  /** Connect, read, write errors and timeouts. */
  readonly socketErrors: number;
  /** The socket errors by kind (wrk counts a timeout once per check, every 2 s, that a request is overdue). */
  readonly socketErrorKinds: { readonly connect: number; readonly read: number; readonly write: number; readonly timeout: number };
  /** With `failures: true`: the statuses other than 200 (of the first thousand per wrk thread), and how many of each. */
  readonly failedStatuses: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxLatencyMs: number;
  /** With `failures: true`: the wall-clock time (ms since the epoch) of the first and last failed response, 0 if none. */
  readonly firstFailureAt: number;
  readonly lastFailureAt: number;
  /** CPU time wrk itself used, in seconds (user + system). */
  readonly wrkCpuSeconds: number;
}

/** Options of a wrk run. */
export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Give up on a response after this long (counted as a timeout). */
  readonly timeoutSeconds: number;
  /** Record when failed responses arrive (a Lua callback per response: slightly slower). */
  readonly failures: boolean;
}

const REPORT_MARKER = 'NLBT_WRK_REPORT';

/**
 * The Lua script: `done` prints the summary as JSON; with `failures`, each thread also counts its
 * non-200 responses and notes when the first and last arrived (gettimeofday through LuaJIT's FFI).
 */
export function wrkScript(failures: boolean): string {
  const timing = !failures ? [] : [
    'local ffi = require("ffi")',
    'ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } nlbt_timeval; int gettimeofday(nlbt_timeval *tv, void *tz); ]]',
    'local tv = ffi.new("nlbt_timeval")',
    'local function now_ms() ffi.C.gettimeofday(tv, nil); return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000) end',
    'function init(args) failed = 0; first_fail = 0; last_fail = 0; statuses = "" end',
    'function response(status, headers, body)',
    '  if status ~= 200 then',
    '    failed = failed + 1',
    // The first thousand, as a string that done() reads from each thread's Lua state.
    '    if failed <= 1000 then statuses = statuses .. status .. " " end',
    '    local t = now_ms()',
    '    if first_fail == 0 then first_fail = t end',
    '    last_fail = t',
    '  end',
    'end',
  ];
  return [
    'local threads = {}',
    'function setup(thread) table.insert(threads, thread) end',
    ...timing,
    'function done(summary, latency, requests)',
    '  local first, last, statuses = 0, 0, ""',
    ...(failures ? [
      '  for _, t in ipairs(threads) do',
      '    local f, l = t:get("first_fail"), t:get("last_fail")',
      '    statuses = statuses .. t:get("statuses")',
      '    if f > 0 and (first == 0 or f < first) then first = f end',
      '    if l > last then last = l end',
      '  end',
    ] : []),
    '  local e = summary.errors',
    `  io.write(string.format('${REPORT_MARKER} {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,`
      + '"p50Us":%d,"p99Us":%d,"maxUs":%d,"first":%d,"last":%d,"statuses":"%s"}\\n\',',
    '    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,',
    '    latency:percentile(50), latency:percentile(99), latency.max, first, last, statuses))',
    'end',
    '',
  ].join('\n');
}

/** wrk's arguments: one thread per connection up to two (the machine has few cores to spare). */
export function wrkArgs(options: WrkOptions, scriptPath: string): string[] {
  return [
    '-t', String(Math.min(2, options.connections)),
    '-c', String(options.connections),
    '-d', `${options.durationSeconds}s`,
    '--timeout', `${options.timeoutSeconds}s`,
    '-s', scriptPath,
    options.url,
  ];
}

/**
 * Reads the report line of {@link wrkScript} from wrk's output, and the CPU time the shell that ran
 * it waited for (`cutime`/`cstime` of `/proc/<shell>/stat`, printed by {@link wrkShellCommand}).
 */
export function parseWrkOutput(stdout: string, clockTicksPerSecond: number): WrkReport {
  const line = stdout.split('\n').find(l => l.startsWith(`${REPORT_MARKER} `));
  if (!line) throw new Error(`wrk printed no report:\n${stdout.trim().split('\n').slice(-10).join('\n')}`);
  const r = JSON.parse(line.slice(REPORT_MARKER.length + 1));
  const cpu = /^NLBT_WRK_CPU (\d+) (\d+)$/m.exec(stdout);
  const durationSeconds = r.durationUs / 1e6;
  return {
    requests: r.requests,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? r.requests / durationSeconds : 0,
    non2xx: r.status,
    socketErrors: r.connect + r.read + r.write + r.timeout,
    socketErrorKinds: { connect: r.connect, read: r.read, write: r.write, timeout: r.timeout },
    failedStatuses: String(r.statuses ?? '').split(' ').filter(Boolean).reduce<Record<string, number>>((out, st) => ({ ...out, [st]: (out[st] ?? 0) + 1 }), {}),
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    maxLatencyMs: (r.maxUs ?? 0) / 1000,
    firstFailureAt: r.first,
    lastFailureAt: r.last,
    wrkCpuSeconds: cpu ? (Number(cpu[1]) + Number(cpu[2])) / clockTicksPerSecond : NaN,
  };
}

/**
 * A shell command that runs wrk and then prints the CPU time of its finished children (wrk): the
 * kernel adds a reaped child's times to its parent's `cutime` and `cstime` (fields 16 and 17).
 */
export function wrkShellCommand(args: string[]): string[] {
  const quoted = args.map(a => `'${a.replace(/'/g, '\'\\\'\'')}'`).join(' ');
  return ['sh', '-c', `wrk ${quoted}; status=$?; echo "NLBT_WRK_CPU $(cut -d' ' -f16,17 /proc/$$/stat)"; exit $status`];
}
