import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProgramResult } from './control-server';
import { sleep } from './exec';
import { Machine } from './machine';
import { ProcessSpec, Supervisor } from './supervisor';
import { commandLine, commandPrefixes, environmentAssignments, parseEnvironmentFile, parseServiceUnit, ServiceUnit, STARTABLE_TYPES, UnitFileError } from './systemd-unit';

/** What `systemctl` prints and returns. */
export type SystemctlResult = ProgramResult;

/** A change of a unit's state that `systemctl` caused (what a re-run of provisioning must not do). */
export interface UnitAction {
  readonly time: string;
  readonly host: string;
  readonly action: 'start' | 'stop' | 'restart' | 'reload';
  readonly unit: string;
}

/** One `systemctl` call as the journal keeps it. */
export interface JournalEntry {
  readonly time: string;
  readonly argv: string[];
  readonly exitCode: number;
  /** The state changes it caused, e.g. `restart uwsgi.service`. */
  readonly actions: string[];
}

/** The journal entries written after `offset` bytes (what a later run of provisioning did). */
export function readJournal(file: string, offset = 0): JournalEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file).subarray(offset).toString('utf-8').split('\n').filter(Boolean).map(l => JSON.parse(l));
}

/** The journal of a host's init system, in its folder of the deployment. */
export function journalFile(hostDir: string): string {
  return path.join(hostDir, 'systemd', 'journal.jsonl');
}

/** Where systemd looks for unit files, first match wins. */
const UNIT_PATHS = ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
/**
 * Where systemd reads its manager configuration, `DefaultEnvironment=` included: the file, then
 * the drop-ins of its folder in name order (systemd-system.conf(5)).
 */
const SYSTEM_CONF = '/etc/systemd/system.conf';
const SYSTEM_CONF_DIR = '/etc/systemd/system.conf.d';
/** The environment systemd gives services (`DefaultEnvironment`). */
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';
/** How long `start` watches a new process before it reports success (a service that fails at once fails the start). */
const START_SETTLE_MS = 300;

/** A unit as found in the host: its name, its file and what the file says. */
interface FoundUnit {
  readonly name: string;
  readonly fragmentPath: string;
  readonly text: string;
}

/**
 * The init system of one host, as `systemctl` sees it: units are read from the host's own unit
 * folders and run by the deployment's supervisor inside the host's namespaces, as systemd runs
 * them on the instance (ExecStart=, Environment=, Restart=, RestartSec=, KillSignal=,
 * ExecReload=). `enable` and `disable` make and remove the `.wants/` links in the host's /etc.
 * Every call is written to the host's journal (one JSON line each).
 */
export class InitSystem {
  private readonly unitActions: UnitAction[] = [];

  constructor(private readonly machine: Machine, private readonly supervisor: Supervisor, private readonly journal: string) {}

  /** The state changes `systemctl` caused on this host so far. */
  public get actions(): readonly UnitAction[] {
    return this.unitActions;
  }

  public async systemctl(argv: string[]): Promise<SystemctlResult> {
    const flags = argv.filter(a => a.startsWith('-'));
    const [verb, ...units] = argv.filter(a => !a.startsWith('-')).map((a, i) => (i === 0 ? a : unitName(a)));
    const quiet = flags.includes('--quiet') || flags.includes('-q');
    const before = this.unitActions.length;
    let result: SystemctlResult;
    try {
      result = await this.run(verb, units, flags, quiet);
    } catch (e) {
      if (!(e instanceof UnitFileError)) throw e;
      result = { exitCode: 1, stdout: '', stderr: `Failed to ${verb} ${units.join(' ')}: ${e.message}\n` };
    }
    const entry: JournalEntry = { time: new Date().toISOString(), argv, exitCode: result.exitCode, actions: this.unitActions.slice(before).map(a => `${a.action} ${a.unit}`) };
    fs.appendFileSync(this.journal, JSON.stringify(entry) + '\n');
    return result;
  }

  private async run(verb: string | undefined, units: string[], flags: string[], quiet: boolean): Promise<SystemctlResult> {
    switch (verb) {
      case 'daemon-reload':
      case 'daemon-reexec':
        // Unit files are read at every start, as after a daemon-reload.
        return ok();
      case 'show':
        return ok(units.map(u => this.show(u)).join('\n\n') + '\n');
      case 'is-active': {
        const states = units.map(u => this.activeState(u));
        return { exitCode: states.every(s => s === 'active') ? 0 : 3, stdout: quiet ? '' : states.join('\n') + '\n', stderr: '' };
      }
      case 'is-enabled': {
        const states = units.map(u => this.unitFileState(u));
        const exitCode = states.every(s => s === 'enabled' || s === 'static') ? 0 : 1;
        const missing = units.filter((_u, i) => states[i] === '');
        if (missing.length > 0) return { exitCode: 1, stdout: '', stderr: `Failed to get unit file state for ${missing[0]}: No such file or directory\n` };
        return { exitCode, stdout: quiet ? '' : states.join('\n') + '\n', stderr: '' };
      }
      case 'enable':
      case 'disable':
        return this.enable(verb, units, flags.includes('--now'));
      case 'start':
      case 'stop':
      case 'restart':
      case 'reload':
      case 'try-restart':
      case 'reload-or-restart':
        return this.changeState(verb, units);
      case 'status':
        return this.status(units);
      case 'list-unit-files':
        return ok(units.map(u => `${u} ${this.unitFileState(u) || 'not-found'}`).join('\n') + '\n');
      default:
        return { exitCode: 1, stdout: '', stderr: `systemctl ${verb ?? ''}: not emulated by the local init system (emulated: start, stop, restart, reload, try-restart, reload-or-restart, enable, disable, is-active, is-enabled, show, status, daemon-reload)\n` };
    }
  }

  private async enable(verb: 'enable' | 'disable', units: string[], now: boolean): Promise<SystemctlResult> {
    let stderr = '';
    for (const u of units) {
      const found = this.find(u);
      if (!found) return { exitCode: 1, stdout: '', stderr: `${stderr}Failed to ${verb} unit: Unit file ${u} does not exist.\n` };
      const wantedBy = parseServiceUnit(found.text).wantedBy;
      if (wantedBy.length === 0) {
        stderr += 'The unit files have no installation config (WantedBy=, RequiredBy=, Also=, Alias= settings in the [Install] section).\n';
        continue;
      }
      for (const target of wantedBy) {
        const link = `/etc/systemd/system/${target}.wants/${u}`;
        const linkPath = this.machine.path(link);
        if (verb === 'enable' && !isLink(linkPath)) {
          fs.mkdirSync(path.dirname(linkPath), { recursive: true });
          fs.symlinkSync(found.fragmentPath, linkPath);
          stderr += `Created symlink ${link} → ${found.fragmentPath}.\n`;
        } else if (verb === 'disable' && isLink(linkPath)) {
          fs.unlinkSync(linkPath);
          stderr += `Removed "${link}".\n`;
        }
      }
    }
    if (now) {
      const r = await this.changeState(verb === 'enable' ? 'start' : 'stop', units);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: stderr + r.stderr };
    }
    return { exitCode: 0, stdout: '', stderr };
  }

  private async changeState(verb: string, units: string[]): Promise<SystemctlResult> {
    for (const u of units) {
      const found = this.find(u);
      if (!found) return { exitCode: 5, stdout: '', stderr: `Failed to ${verb} ${u}: Unit ${u} not found.\n` };
      const running = this.supervisor.isRunning(this.processName(u)) || this.supervisor.isRestarting(this.processName(u));
      const failed = (r: string) => ({ exitCode: 1, stdout: '', stderr: r });
      if (verb === 'start') {
        if (!running) {
          const problem = await this.start(found);
          if (problem) return failed(problem);
        }
      } else if (verb === 'stop') {
        if (running) await this.stop(found);
      } else if (verb === 'restart' || (verb === 'try-restart' && running)) {
        if (running) await this.stop(found, 'restart');
        const problem = await this.start(found, running ? 'restart' : 'start');
        if (problem) return failed(problem);
      } else if (verb === 'reload' || verb === 'reload-or-restart') {
        const unit = parseServiceUnit(found.text);
        if (!running && verb === 'reload') return failed(`${u} is not active, cannot reload.\n`);
        if (unit.execReload.length === 0) {
          if (verb === 'reload') return failed(`Failed to reload ${u}: Job type reload is not applicable for unit ${u}.\n`);
          if (running) await this.stop(found, 'restart');
          const problem = await this.start(found, running ? 'restart' : 'start');
          if (problem) return failed(problem);
        } else if (!running) {
          const problem = await this.start(found);
          if (problem) return failed(problem);
        } else {
          const problem = await this.reload(found, unit);
          if (problem) return failed(problem);
        }
      }
    }
    return ok();
  }

  /**
   * Starts a unit as systemd does: its `RuntimeDirectory=` folders (owned by `User=`, with
   * `RuntimeDirectoryMode=`), its `ExecStartPre=` commands in order, then its main process;
   * returns what went wrong, if it did.
   *
   * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#RuntimeDirectory=
   */
  private async start(found: FoundUnit, action: 'start' | 'restart' = 'start'): Promise<string | undefined> {
    const unit = parseServiceUnit(found.text);
    if (!STARTABLE_TYPES.includes(unit.type)) {
      return `Failed to start ${found.name}: Type=${unit.type} is not emulated locally (emulated: ${STARTABLE_TYPES.join(', ')}).\n`;
    }
    const credentials = this.credentials(found.name, unit);
    if (typeof credentials === 'string') return credentials;
    for (const dir of unit.runtimeDirectories) {
      const inHost = this.machine.path(path.join('/run', dir));
      fs.mkdirSync(inHost, { recursive: true });
      fs.chmodSync(inHost, unit.runtimeDirectoryMode);
      fs.chownSync(inHost, credentials.uid, credentials.gid);
    }
    const env = this.environment(unit);
    const command = commandLine(unit.execStart, env);
    if (command.length === 0) return `Failed to start ${found.name}: the unit has no ExecStart=.\n`;
    this.record(action, found.name);
    for (const line of unit.execStartPre) {
      const problem = await this.runControl(found, unit, 'ExecStartPre=', line, env);
      if (problem) {
        this.removeRuntimeDirectories(unit);
        return problem;
      }
    }
    const argv = [...credentials.prefix, ...command];
    Object.assign(env, credentials.env);
    const name = this.processName(found.name);
    const spec: ProcessSpec = {
      name,
      namespace: this.machine.namespace,
      command: this.machine.enter(argv, unit.workingDirectory ?? '/'),
      env,
      logFile: this.logFile(found.name),
      restart: unit.restart,
      killSignal: unit.killSignal,
    };
    this.supervisor.start(spec);
    await sleep(START_SETTLE_MS);
    if (!this.supervisor.isRunning(name) && !this.supervisor.isRestarting(name)) {
      const exit = this.supervisor.lastExit(name);
      const status = exit?.signal ?? `code ${exit?.code}`;
      return `Job for ${found.name} failed because the control process exited with error code (${status}).\n` +
        `See ${spec.logFile} for details.\n`;
    }
    return undefined;
  }

  /** `RuntimeDirectory=` folders go when the service stops (`RuntimeDirectoryPreserve=no`, the default). */
  private removeRuntimeDirectories(unit: ServiceUnit) {
    for (const dir of unit.runtimeDirectories) fs.rmSync(this.machine.path(path.join('/run', dir)), { recursive: true, force: true });
  }

  private logFile(unit: string): string {
    const logDir = path.join(this.machine.hostDir, 'services');
    fs.mkdirSync(logDir, { recursive: true });
    return path.join(logDir, `${unit}.log`);
  }

  private async stop(found: FoundUnit, action?: 'restart') {
    if (!action) this.record('stop', found.name);
    await this.supervisor.stop(this.processName(found.name));
    this.removeRuntimeDirectories(parseServiceUnit(found.text));
  }

  /**
   * Runs the `ExecReload=` lines as systemd does, in order, and returns once the last has exited
   * or one failed: with `$MAINPID` set to the main process's pid (the supervisor's child: nsenter
   * and setpriv execute the service, so it is the service's own pid). systemd waits for nothing
   * more when the service sends no `RELOADING=1` (uWSGI sends none): the command itself must wait
   * for the reload.
   *
   * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#ExecReload=
   */
  private async reload(found: FoundUnit, unit: ServiceUnit): Promise<string | undefined> {
    const mainPid = this.supervisor.pid(this.processName(found.name));
    const env: Record<string, string> = { ...this.environment(unit), ...(mainPid ? { MAINPID: String(mainPid) } : {}) };
    this.record('reload', found.name);
    for (const line of unit.execReload) {
      const problem = await this.runControl(found, unit, 'ExecReload=', line, env);
      if (problem) return problem;
    }
    return undefined;
  }

  /**
   * Runs one command of a unit besides its main process (`ExecStartPre=`, `ExecReload=`) and waits
   * for it: with the unit's environment, its user and capabilities unless the line's `+` prefix
   * asks for full privileges, its output in the unit's log, and `TimeoutStartSec=` to finish, after
   * which it is killed. A `-` prefix ignores its failure. Returns what went wrong, if it did.
   */
  private async runControl(found: FoundUnit, unit: ServiceUnit, setting: string, line: string,
    environment: Record<string, string>): Promise<string | undefined> {
    const prefixes = commandPrefixes(line);
    const credentials = prefixes.fullPrivileges ? { prefix: [], env: {} } : this.credentials(found.name, unit);
    if (typeof credentials === 'string') return credentials;
    const env = { ...environment, ...credentials.env };
    const [command, ...args] = this.machine.enter([...credentials.prefix, ...commandLine(line, env)], unit.workingDirectory ?? '/');
    const log = fs.openSync(this.logFile(found.name), 'a');
    let timedOut = false;
    const code = await new Promise<number | null>(resolve => {
      const child = spawn(command, args, { env, stdio: ['ignore', log, log] });
      const timer = Number.isFinite(unit.timeoutStartSeconds)
        ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, unit.timeoutStartSeconds * 1000)
        : undefined;
      child.on('error', () => resolve(-1));
      child.on('exit', c => {
        clearTimeout(timer);
        resolve(c);
      });
    }).finally(() => fs.closeSync(log));
    if (timedOut) return `Job for ${found.name} failed because a timeout was exceeded (${setting} ran longer than TimeoutStartSec=${unit.timeoutStartSeconds}s).\n`;
    if (code === 0 || prefixes.ignoreFailure) return undefined;
    return `Job for ${found.name} failed because the control process exited with error code (${setting} exited ${code}).\n`
      + `See ${this.logFile(found.name)} for details.\n`;
  }

  /**
   * How a unit's commands take on its `User=`, `Group=` and `AmbientCapabilities=`, as systemd
   * does before it executes them: a `setpriv` (util-linux) prefix, run inside the host so that the
   * names are the host's own, and the variables systemd sets for a user; or, when the user or group
   * does not exist in the host, why the start fails. Without `User=` the commands run as root.
   *
   * setpriv switches user and group, sets the user's supplementary groups, and raises each
   * capability in the inheritable and ambient sets, which keeps it, and only it, across the exec
   * of the unprivileged command (capabilities(7), "Ambient capability set").
   *
   * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#User=
   * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#AmbientCapabilities=
   * @see https://man7.org/linux/man-pages/man1/setpriv.1.html
   */
  private credentials(name: string, unit: ServiceUnit): { prefix: string[]; env: Record<string, string>; uid: number; gid: number } | string {
    if (!unit.user || unit.user === 'root' || unit.user === '0') {
      return { prefix: [], env: {}, uid: 0, gid: 0 };
    }
    const user = readDatabase(this.machine.path('/etc/passwd')).find(fields => fields[0] === unit.user || fields[2] === unit.user);
    if (!user) return `Failed to start ${name}: User=${unit.user}: no such user in the host (status=217/USER).\n`;
    let gid = user[3];
    if (unit.group) {
      const group = readDatabase(this.machine.path('/etc/group')).find(fields => fields[0] === unit.group || fields[2] === unit.group);
      if (!group) return `Failed to start ${name}: Group=${unit.group}: no such group in the host (status=216/GROUP).\n`;
      gid = group[2];
    }
    const caps = unit.ambientCapabilities.map(c => `+${c.replace(/^CAP_/, '').toLowerCase()}`).join(',');
    return {
      prefix: ['setpriv', `--reuid=${user[2]}`, `--regid=${gid}`, '--init-groups', ...(caps ? [`--inh-caps=${caps}`, `--ambient-caps=${caps}`] : []), '--'],
      env: { USER: user[0], LOGNAME: user[0], HOME: user[5], SHELL: user[6] },
      uid: Number(user[2]),
      gid: Number(gid),
    };
  }

  private environment(unit: ServiceUnit): Record<string, string> {
    const env: Record<string, string> = { PATH: SERVICE_PATH, LANG: 'C.UTF-8', ...this.defaultEnvironment() };
    for (const entry of unit.environmentFiles) {
      const optional = entry.startsWith('-');
      const file = this.machine.path(entry.replace(/^-/, ''));
      if (!fs.existsSync(file)) {
        if (optional) continue;
        throw new UnitFileError(`EnvironmentFile=${entry} does not exist`);
      }
      Object.assign(env, parseEnvironmentFile(fs.readFileSync(file, 'utf-8')));
    }
    return { ...env, ...unit.environment };
  }

  /**
   * `DefaultEnvironment=` of the host's manager configuration, which systemd passes to every
   * service: system.conf, then its drop-ins in name order, a later assignment winning.
   *
   * @see https://www.freedesktop.org/software/systemd/man/latest/systemd-system.conf.html#DefaultEnvironment=
   */
  private defaultEnvironment(): Record<string, string> {
    const dir = this.machine.path(SYSTEM_CONF_DIR);
    const files = [this.machine.path(SYSTEM_CONF), ...(fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.conf')).sort().map(f => path.join(dir, f)) : [])];
    const env: Record<string, string> = {};
    for (const file of files.filter(f => fs.existsSync(f))) {
      for (const line of fs.readFileSync(file, 'utf-8').split('\n')) {
        const m = /^\s*DefaultEnvironment=(.*)$/.exec(line);
        if (m) Object.assign(env, environmentAssignments(m[1]));
      }
    }
    return env;
  }

  private show(u: string): string {
    const found = this.find(u);
    const pid = this.supervisor.pid(this.processName(u));
    const unit = found ? safeParse(found.text) : undefined;
    const properties: Record<string, string | number> = {
      Id: u,
      Names: u,
      Description: unit?.description ?? u,
      LoadState: found ? 'loaded' : 'not-found',
      ActiveState: this.activeState(u),
      SubState: pid ? 'running' : this.supervisor.isRestarting(this.processName(u)) ? 'auto-restart' : this.activeState(u) === 'failed' ? 'failed' : 'dead',
      UnitFileState: this.unitFileState(u),
      FragmentPath: found?.fragmentPath ?? '',
      MainPID: pid ?? 0,
      Type: unit?.type ?? '',
      Restart: unit?.restart.restart ?? '',
      KillSignal: unit ? signalNumber(unit.killSignal) : '',
    };
    return Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n');
  }

  private status(units: string[]): SystemctlResult {
    const lines = units.map(u => {
      const found = this.find(u);
      const pid = this.supervisor.pid(this.processName(u));
      return [
        `● ${u}${found ? ` - ${safeParse(found.text)?.description ?? u}` : ''}`,
        `     Loaded: ${found ? `loaded (${found.fragmentPath}; ${this.unitFileState(u)})` : 'not-found'}`,
        `     Active: ${this.activeState(u)}${pid ? ' (running)' : ''}`,
        ...(pid ? [`   Main PID: ${pid}`] : []),
      ].join('\n');
    });
    return { exitCode: units.every(u => this.activeState(u) === 'active') ? 0 : 3, stdout: lines.join('\n\n') + '\n', stderr: '' };
  }

  private activeState(u: string): string {
    const name = this.processName(u);
    if (this.supervisor.isRunning(name)) return 'active';
    if (this.supervisor.isRestarting(name)) return 'activating';
    const exit = this.supervisor.lastExit(name);
    return exit && !exit.stopped && (exit.code !== 0 || exit.signal !== null) ? 'failed' : 'inactive';
  }

  /** enabled, disabled, static (no [Install]), or '' when there is no such unit. */
  private unitFileState(u: string): string {
    const found = this.find(u);
    if (!found) return '';
    const wantedBy = safeParse(found.text)?.wantedBy ?? [];
    if (wantedBy.length === 0) return 'static';
    return wantedBy.some(t => isLink(this.machine.path(`/etc/systemd/system/${t}.wants/${u}`))) ? 'enabled' : 'disabled';
  }

  private find(u: string): FoundUnit | undefined {
    for (const dir of UNIT_PATHS) {
      const fragmentPath = path.join(dir, u);
      const file = this.machine.path(fragmentPath);
      if (fs.existsSync(file) && fs.statSync(file).isFile()) return { name: u, fragmentPath, text: fs.readFileSync(file, 'utf-8') };
    }
    return undefined;
  }

  /** The supervisor's name of a unit's main process: `app1/uwsgi` for uwsgi.service on app1. */
  private processName(u: string): string {
    return `${this.machine.host.name}/${u.replace(/\.service$/, '')}`;
  }

  private record(action: UnitAction['action'], unit: string) {
    this.unitActions.push({ time: new Date().toISOString(), host: this.machine.host.name, action, unit });
  }
}

/** `httpd` -> `httpd.service`; names with a unit suffix stay as they are. */
export function unitName(name: string): string {
  return /\.(service|socket|target|timer|mount|path)$/.test(name) ? name : `${name}.service`;
}

/** The entries of /etc/passwd or /etc/group, each split into its fields. */
function readDatabase(file: string): string[][] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf-8').split('\n').filter(l => l && !l.startsWith('#')).map(l => l.split(':'));
}

function ok(stdout = ''): SystemctlResult {
  return { exitCode: 0, stdout, stderr: '' };
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function safeParse(text: string): ServiceUnit | undefined {
  try {
    return parseServiceUnit(text);
  } catch (e) {
    if (e instanceof UnitFileError) return undefined;
    throw e;
  }
}

function signalNumber(signal: NodeJS.Signals): number | string {
  return (os.constants.signals as Record<string, number>)[signal] ?? signal;
}
