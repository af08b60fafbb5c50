import { spawnSync } from 'child_process';
import { ExitCode, LocalDeployError } from '../errors';

/** Options of {@link run}. */
export interface RunOptions {
  /** Text written to the command's standard input. */
  readonly input?: string;
  /** Return the result instead of raising when the command fails. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (no shell). Raises a {@link LocalDeployError} with its output if it fails. */
export function run(command: string, args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(command, args, {
    input: options.input,
    encoding: 'utf-8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, LC_ALL: 'C' },
  });
  const result = { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error?.message ?? '') };
  if (result.status !== 0 && !options.allowFailure) {
    throw new LocalDeployError(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${result.status}`}):\n${result.stderr.trim()}`, ExitCode.DEPLOY_FAILED);
  }
  return result;
}

/** Runs a command inside a network namespace. */
export function runIn(namespace: string, command: string, args: string[], options: RunOptions = {}): RunResult {
  return run('ip', ['netns', 'exec', namespace, command, ...args], options);
}

/** Whether a program is on PATH (or at that absolute path). */
export function hasProgram(program: string): boolean {
  return run('sh', ['-c', `command -v ${program}`], { allowFailure: true }).status === 0;
}

/** Waits until a TCP port listens inside a namespace, polling `ss`; false when the time is up. */
export async function waitForListen(namespace: string, address: string, port: number, timeoutMs: number,
  gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    const r = runIn(namespace, 'ss', ['-Hltn', `sport = :${port}`], { allowFailure: true });
    if (r.stdout.split('\n').some(l => l.includes(`${address}:${port}`) || l.includes(`0.0.0.0:${port}`) || l.includes(`*:${port}`))) return true;
    await sleep(100);
  }
  return false;
}

/** The TCP ports something listens on inside a namespace, on an address other hosts can reach (not loopback). */
export function listeningPorts(namespace: string): number[] {
  const locals = runIn(namespace, 'ss', ['-Hltn'], { allowFailure: true }).stdout.split('\n')
    .map(l => l.trim().split(/\s+/)[3]).filter((l): l is string => !!l && !l.startsWith('127.') && !l.startsWith('[::1]'));
  return [...new Set(locals.map(l => Number(l.slice(l.lastIndexOf(':') + 1))))];
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
