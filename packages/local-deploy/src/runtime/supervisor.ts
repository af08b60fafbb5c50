import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { RestartPolicy } from '../model/topology';

/** A long-running process inside a namespace, and what to do when it exits. */
export interface ProcessSpec {
  /** Unique name, e.g. `app1/uwsgi`. */
  readonly name: string;
  readonly namespace: string;
  readonly argv: string[];
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
  readonly restarts: number;
}

interface Supervised {
  readonly spec: ProcessSpec;
  child?: ChildProcess;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/** How long a stop waits for a process to exit before SIGKILL. */
const STOP_GRACE_MS = 3000;

/**
 * Runs the services of a deployment as systemd would on the instances: each in its own process
 * group (its "cgroup"), restarted after `RestartSec` per `Restart=`, and on exit of the main
 * process, whatever is left of its group is killed. `ip netns exec` execs in place, so the pid
 * the supervisor holds is the service's own.
 */
export class Supervisor {
  private readonly processes = new Map<string, Supervised>();
  private stopping = false;

  constructor(private readonly onChange: () => void = () => undefined, private readonly log: (line: string) => void = () => undefined) {}

  public start(spec: ProcessSpec) {
    if (this.stopping) return;
    const s: Supervised = { spec, restarts: 0 };
    this.processes.set(spec.name, s);
    this.launch(s);
  }

  public get running(): ProcessInfo[] {
    return [...this.processes.values()].filter(s => s.child?.pid && s.child.exitCode === null && s.child.signalCode === null)
      .map(s => ({ name: s.spec.name, namespace: s.spec.namespace, pid: s.child!.pid!, restarts: s.restarts }));
  }

  /** Whether a process has exited (it may still be restarted later). */
  public hasExited(name: string): boolean {
    const child = this.processes.get(name)?.child;
    return !!child && (child.exitCode !== null || child.signalCode !== null);
  }

  /** Stops every process with its kill signal, then SIGKILL after a grace period. Never restarts. */
  public async stopAll(): Promise<void> {
    this.stopping = true;
    const all = [...this.processes.values()];
    for (const s of all) clearTimeout(s.timer);
    await Promise.all(all.map(s => this.stop(s)));
  }

  private launch(s: Supervised) {
    const out = fs.openSync(s.spec.logFile, 'a');
    const child = spawn('ip', ['netns', 'exec', s.spec.namespace, ...s.spec.argv], {
      detached: true, // own process group: a terminal's Ctrl-C reaches the tool only, which then stops everything in order
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    s.child = child;
    s.timer = undefined;
    child.on('exit', (code, signal) => {
      killGroup(child.pid, 'SIGKILL');
      if (this.stopping) return;
      this.log(`${s.spec.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
      const failed = code !== 0 || (signal !== null && !['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(signal));
      const policy = s.spec.restart.restart;
      if (policy === 'always' || (policy === 'on-failure' && failed)) {
        s.timer = setTimeout(() => {
          s.restarts++;
          this.launch(s);
          this.log(`${s.spec.name} restarted (pid ${s.child?.pid}) after ${s.spec.restart.restartSeconds}s`);
          this.onChange();
        }, s.spec.restart.restartSeconds * 1000);
      }
      this.onChange();
    });
    this.onChange();
  }

  private stop(s: Supervised): Promise<void> {
    const child = s.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
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

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
