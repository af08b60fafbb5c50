import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { RestartPolicy } from './systemd-unit';

/** A long-running process of a deployment, and what to do when it exits. */
export interface ProcessSpec {
  /** Unique name, e.g. `app1/uwsgi`. */
  readonly name: string;
  /** The namespace it runs in (for the state file). */
  readonly namespace: string;
  /** The whole command line, including what enters the namespaces (`ip netns exec`, `nsenter`), which execs in place. */
  readonly command: string[];
  /** The environment; the tool's own when left out. */
  readonly env?: Record<string, string>;
  readonly logFile: string;
  readonly restart: RestartPolicy;
  /** The signal that stops it (systemd's KillSignal=). @default SIGTERM */
  readonly killSignal?: NodeJS.Signals;
}

/** A supervised process as the state file and the tests see it. */
export interface ProcessInfo {
  readonly name: string;
  readonly namespace: string;
  readonly pid: number;
  /** How often `Restart=` started it again after an exit. */
  readonly restarts: number;
}

interface Supervised {
  readonly spec: ProcessSpec;
  child?: ChildProcess;
  restarts: number;
  timer?: NodeJS.Timeout;
  /** Set while a stop asked for the exit: no restart follows. */
  stopping: boolean;
  /** How the last run ended. */
  lastExit?: ExitStatus;
}

/** How a process ended: its exit code or signal, and whether a stop asked for it. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stopped: boolean;
}

/** How long a stop waits for a process to exit before SIGKILL. */
const STOP_GRACE_MS = 3000;

/**
 * Runs the services of a deployment as systemd would on the instances: each in its own process
 * group (its "cgroup"), restarted after `RestartSec` per `Restart=`, and on exit of the main
 * process, whatever is left of its group is killed. The commands exec in place (`ip netns exec`,
 * `nsenter`), so the pid the supervisor holds is the service's own.
 */
export class Supervisor {
  private readonly processes = new Map<string, Supervised>();
  private stoppingAll = false;

  constructor(private readonly onChange: () => void = () => undefined, private readonly log: (line: string) => void = () => undefined) {}

  /** Starts a process under this name (replacing a stopped one of the same name). */
  public start(spec: ProcessSpec) {
    if (this.stoppingAll) return;
    const previous = this.processes.get(spec.name);
    if (previous && this.isRunning(spec.name)) throw new Error(`${spec.name} is already running (pid ${previous.child?.pid})`);
    if (previous) clearTimeout(previous.timer);
    const s: Supervised = { spec, restarts: previous?.restarts ?? 0, stopping: false };
    this.processes.set(spec.name, s);
    this.launch(s);
  }

  public get running(): ProcessInfo[] {
    return [...this.processes.values()].filter(s => isRunning(s.child))
      .map(s => ({ name: s.spec.name, namespace: s.spec.namespace, pid: s.child!.pid!, restarts: s.restarts }));
  }

  /** Whether the process runs now. */
  public isRunning(name: string): boolean {
    return isRunning(this.processes.get(name)?.child);
  }

  /** Whether a restart of the process is pending (it exited, `Restart=` will start it again). */
  public isRestarting(name: string): boolean {
    return !!this.processes.get(name)?.timer;
  }

  /** Whether a process has exited (it may still be restarted later). */
  public hasExited(name: string): boolean {
    const child = this.processes.get(name)?.child;
    return !!child && !isRunning(child);
  }

  public pid(name: string): number | undefined {
    const child = this.processes.get(name)?.child;
    return isRunning(child) ? child!.pid : undefined;
  }

  /** How the process last exited, if it did. */
  public lastExit(name: string): ExitStatus | undefined {
    return this.processes.get(name)?.lastExit;
  }

  /** Stops one process with its kill signal (SIGKILL after a grace period); it is not restarted. */
  public async stop(name: string): Promise<void> {
    const s = this.processes.get(name);
    if (!s) return;
    clearTimeout(s.timer);
    s.timer = undefined;
    s.stopping = true;
    await this.terminate(s);
  }

  /**
   * Stops every process whose name starts with `prefix` (e.g. `app1/`, a host's), whether it runs
   * or waits for its restart: none of them starts again.
   */
  public async stopEvery(prefix: string): Promise<void> {
    await Promise.all([...this.processes.keys()].filter(name => name.startsWith(prefix)).map(name => this.stop(name)));
  }

  /** Stops every process with its kill signal, then SIGKILL after a grace period. Never restarts. */
  public async stopAll(): Promise<void> {
    this.stoppingAll = true;
    const all = [...this.processes.values()];
    for (const s of all) {
      clearTimeout(s.timer);
      s.stopping = true;
    }
    await Promise.all(all.map(s => this.terminate(s)));
  }

  private launch(s: Supervised) {
    const out = fs.openSync(s.spec.logFile, 'a');
    const [command, ...args] = s.spec.command;
    const child = spawn(command, args, {
      detached: true, // own process group: a terminal's Ctrl-C reaches the tool only, which then stops everything in order
      stdio: ['ignore', out, out],
      env: s.spec.env ?? process.env,
    });
    fs.closeSync(out);
    s.child = child;
    s.timer = undefined;
    child.on('exit', (code, signal) => {
      killGroup(child.pid, 'SIGKILL');
      s.lastExit = { code, signal, stopped: s.stopping || this.stoppingAll };
      if (this.stoppingAll || s.stopping || s.child !== child) {
        this.onChange();
        return;
      }
      this.log(`${s.spec.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
      const failed = code !== 0 || (signal !== null && !['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(signal));
      const policy = s.spec.restart.restart;
      if (policy === 'always' || (policy === 'on-failure' && failed)) {
        s.timer = setTimeout(() => {
          s.restarts++;
          try {
            this.launch(s);
          } catch (e) {
            // As systemd logs a failed start: the process stays down, the deployment goes on.
            s.timer = undefined;
            this.log(`${s.spec.name} could not be restarted: ${(e as Error).message}`);
            return;
          }
          this.log(`${s.spec.name} restarted (pid ${s.child?.pid}) after ${s.spec.restart.restartSeconds}s`);
          this.onChange();
        }, s.spec.restart.restartSeconds * 1000);
      }
      this.onChange();
    });
    // A command that cannot be spawned exits at once; the exit handler reports it.
    child.on('error', () => undefined);
    this.onChange();
  }

  private terminate(s: Supervised): Promise<void> {
    const child = s.child;
    if (!child?.pid || !isRunning(child)) return Promise.resolve();
    return new Promise(resolve => {
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        process.kill(child.pid!, s.spec.killSignal ?? 'SIGTERM');
      } catch {
        resolve();
      }
    });
  }
}

function isRunning(child: ChildProcess | undefined): boolean {
  return !!child?.pid && child.exitCode === null && child.signalCode === null;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
