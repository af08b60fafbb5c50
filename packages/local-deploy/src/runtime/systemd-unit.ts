/** A unit file asks for something the local init system does not do; systemctl reports it as systemd would a bad unit. */
export class UnitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitFileError';
  }
}

/** How the supervisor treats a service's exit, after systemd's `Restart=` and `RestartSec=`. */
export interface RestartPolicy {
  readonly restart: 'no' | 'on-failure' | 'always';
  readonly restartSeconds: number;
}

/** What the local init system takes from a systemd service unit. */
export interface ServiceUnit {
  readonly description?: string;
  /** `Type=`; simple, exec and notify start the same way locally (no readiness notification). */
  readonly type: string;
  readonly execStart: string;
  /** `ExecStartPre=` lines, run in order before `ExecStart=`; a failure fails the start. */
  readonly execStartPre: string[];
  /** `ExecReload=` lines, run in order; the reload fails at the first that fails. */
  readonly execReload: string[];
  /** `Environment=` assignments, in order. */
  readonly environment: Record<string, string>;
  /** `EnvironmentFile=`; a leading `-` makes a missing file fine. */
  readonly environmentFiles: string[];
  readonly workingDirectory?: string;
  /**
   * `RuntimeDirectory=`: folders under /run created before the service starts (owned by `User=`
   * and `Group=`), and removed when it stops.
   */
  readonly runtimeDirectories: string[];
  /** `RuntimeDirectoryMode=`: their access mode, 0755 by default. */
  readonly runtimeDirectoryMode: number;
  readonly restart: RestartPolicy;
  /**
   * `TimeoutStartSec=` (or `TimeoutSec=`): systemd gives `ExecReload=` this long too, 90 s by
   * default (DefaultTimeoutStartSec=); `infinity` or 0 is no limit.
   */
  readonly timeoutStartSeconds: number;
  readonly killSignal: NodeJS.Signals;
  /** `WantedBy=` of `[Install]`: where `enable` links the unit. */
  readonly wantedBy: string[];
  /** `User=`: the user the processes run as; root when left out. */
  readonly user?: string;
  /** `Group=`: their group; the user's primary group when left out. */
  readonly group?: string;
  /** `AmbientCapabilities=`: capabilities (`CAP_NET_BIND_SERVICE`) an unprivileged `User=` keeps. */
  readonly ambientCapabilities: string[];
}

/** Service types the local init system starts: it forks the main process and does not wait for a notification. */
export const STARTABLE_TYPES = ['simple', 'exec', 'notify', 'idle'];

/** Reads a unit file's `[Service]` and `[Install]` sections, with systemd's defaults for what it leaves out. */
export function parseServiceUnit(text: string): ServiceUnit {
  const sections: Record<string, Array<[string, string]>> = {};
  let section = '';
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) (sections[section] ??= []).push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  const all = (s: string, key: string) => (sections[s] ?? []).filter(([k]) => k === key).map(([, v]) => v);
  const last = (s: string, key: string) => all(s, key).pop();
  const restart = last('Service', 'Restart') ?? 'no';
  if (!['no', 'on-failure', 'always'].includes(restart)) {
    throw new UnitFileError(`Restart=${restart} is not emulated locally (emulated: no, on-failure, always)`);
  }
  const restartSec = last('Service', 'RestartSec');
  return {
    description: last('Unit', 'Description'),
    type: last('Service', 'Type') ?? 'simple',
    execStart: last('Service', 'ExecStart') ?? '',
    execStartPre: commandLines(all('Service', 'ExecStartPre')),
    execReload: commandLines(all('Service', 'ExecReload')),
    environment: Object.assign({}, ...all('Service', 'Environment').map(environmentAssignments)),
    environmentFiles: all('Service', 'EnvironmentFile'),
    workingDirectory: last('Service', 'WorkingDirectory'),
    runtimeDirectories: all('Service', 'RuntimeDirectory').flatMap(v => v.split(/\s+/)).filter(Boolean),
    runtimeDirectoryMode: octalMode(last('Service', 'RuntimeDirectoryMode') ?? '0755'),
    restart: {
      restart: restart as RestartPolicy['restart'],
      // systemd's default RestartSec is 100ms.
      restartSeconds: restartSec !== undefined ? parseSeconds(restartSec) : 0.1,
    },
    timeoutStartSeconds: timeout(last('Service', 'TimeoutStartSec') ?? last('Service', 'TimeoutSec')),
    killSignal: (last('Service', 'KillSignal') ?? 'SIGTERM') as NodeJS.Signals,
    wantedBy: all('Install', 'WantedBy').flatMap(v => v.split(/\s+/)).filter(Boolean),
    user: last('Service', 'User') || undefined,
    group: last('Service', 'Group') || undefined,
    ambientCapabilities: capabilityList(all('Service', 'AmbientCapabilities')),
  };
}

/** The lines of a command setting that may be given more than once: an empty one resets the list (systemd.service(5)). */
function commandLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line === '') out.length = 0;
    else out.push(line);
  }
  return out;
}

function octalMode(value: string): number {
  if (!/^0?[0-7]{3}$/.test(value)) throw new UnitFileError(`RuntimeDirectoryMode=${value} is not an access mode (emulated: an octal mode such as 0700)`);
  return parseInt(value, 8);
}

/** The prefixes of a command line that the local init system honours. */
export interface CommandPrefixes {
  /** `+`: run with full privileges, ignoring `User=`, `Group=` and capabilities. */
  readonly fullPrivileges: boolean;
  /** `-`: a failure is recorded but ignored. */
  readonly ignoreFailure: boolean;
}

/**
 * The special prefixes of a command line's executable (systemd.service(5), "Special executable
 * prefixes"): `+` and `-` are honoured, `@` and `:` make no difference here; `!` and `!!` are
 * refused, as the local init system has no privilege restrictions to lift partially.
 *
 * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines
 */
export function commandPrefixes(line: string): CommandPrefixes {
  const prefix = /^[-@:+!]*/.exec(line.trim())![0];
  if (prefix.includes('!')) throw new UnitFileError(`the prefix ! of '${line}' is not emulated locally (emulated: +, -, @, :)`);
  return { fullPrivileges: prefix.includes('+'), ignoreFailure: prefix.includes('-') };
}

/**
 * The capabilities of `AmbientCapabilities=` lines, as systemd reads them: each line adds its
 * names, an empty line resets the list. The inverted form (`~CAP_...`) is not emulated.
 */
function capabilityList(lines: string[]): string[] {
  let caps: string[] = [];
  for (const line of lines) {
    if (line === '') {
      caps = [];
      continue;
    }
    for (const name of line.split(/\s+/)) {
      if (!/^CAP_[A-Z_]+$/.test(name)) {
        throw new UnitFileError(`AmbientCapabilities=${line} is not emulated locally (emulated: a list of capability names such as CAP_NET_BIND_SERVICE)`);
      }
      if (!caps.includes(name)) caps.push(name);
    }
  }
  return caps;
}

/** `KEY=value` lines of an environment file (comments and blank lines skipped, quotes removed). */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map(l => l.trim())) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$|^'(.*)'$/, (_q, d?: string, single?: string) => d ?? single ?? '');
  }
  return out;
}

/**
 * Splits a command line of a unit as systemd does: quoted words, `${VAR}` inside a word, and a
 * bare `$VAR` word becomes the variable's words (none when it is unset or empty). The prefixes
 * `-@:+!` of the first word are dropped.
 */
export function commandLine(line: string, environment: Record<string, string>): string[] {
  const words = splitWords(line);
  const out: string[] = [];
  for (const w of words) {
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w.text);
    if (bare && !w.quoted) {
      out.push(...(environment[bare[1]] ?? '').split(/\s+/).filter(Boolean));
      continue;
    }
    out.push(w.text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => environment[name] ?? ''));
  }
  if (out.length > 0) out[0] = out[0].replace(/^[-@:+!]+/, '');
  return out;
}

function splitWords(line: string): Array<{ text: string; quoted: boolean }> {
  const words: Array<{ text: string; quoted: boolean }> = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) words.push({ text: m[1].replace(/\\(.)/g, '$1'), quoted: true });
    else if (m[2] !== undefined) words.push({ text: m[2], quoted: true });
    else words.push({ text: m[3], quoted: false });
  }
  return words;
}

/** The `KEY=value` words of an `Environment=` or `DefaultEnvironment=` line (quoted words whole). */
export function environmentAssignments(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of splitWords(text)) {
    const eq = w.text.indexOf('=');
    if (eq > 0) out[w.text.slice(0, eq)] = w.text.slice(eq + 1);
  }
  return out;
}

/** systemd's DefaultTimeoutStartSec= (systemd-system.conf(5)). */
const DEFAULT_TIMEOUT_START_SECONDS = 90;

function timeout(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_TIMEOUT_START_SECONDS;
  if (value === 'infinity') return Infinity;
  const seconds = parseSeconds(value, 'TimeoutStartSec');
  return seconds === 0 ? Infinity : seconds;
}

function parseSeconds(value: string, setting = 'RestartSec'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|min)?$/.exec(value);
  if (!m) throw new UnitFileError(`${setting}=${value} is not a duration the local init system reads (emulated: a number with ms, s, sec or min)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'min' ? n * 60 : n;
}
