import * as fs from 'fs';

/**
 * The CPU time of a command and of every process under it that was waited for: `wait4(2)`'s
 * resource usage of the child, whose `ru_utime` and `ru_stime` include those of all its
 * descendants that were reaped (getrusage(2), RUSAGE_CHILDREN). Node's child_process reports no
 * resource usage, so a small python3 (already needed to zip assets and to run Ansible) forks the
 * command, waits for it, writes `<user> <system>` seconds to a file, and ends as the command did:
 * its exit code, or the signal that killed it. A process that outlives its parent (a daemon that
 * detaches, or the services systemd starts, which are not the command's children) is not counted.
 */
const WRAPPER = [
  'import os, signal, sys',
  'pid = os.fork()',
  'if pid == 0:',
  '    try:',
  '        os.execvp(sys.argv[2], sys.argv[2:])',
  '    finally:',
  '        os._exit(127)',
  '_, status, usage = os.wait4(pid, 0)',
  'with open(sys.argv[1], "w") as f:',
  '    f.write("%.6f %.6f\\n" % (usage.ru_utime, usage.ru_stime))',
  'if os.WIFSIGNALED(status):',
  '    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)',
  '    os.kill(os.getpid(), os.WTERMSIG(status))',
  'sys.exit(os.WEXITSTATUS(status))',
].join('\n');

/** `argv`, run so that its CPU time lands in `file` when it ends (see {@link readCpuSeconds}). */
export function withCpuAccounting(argv: string[], file: string): string[] {
  return ['/usr/bin/python3', '-c', WRAPPER, file, ...argv];
}

/** The user and system CPU seconds a command run by {@link withCpuAccounting} wrote; none when it was killed first. */
export function readCpuSeconds(file: string): { user: number; system: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const [user, system] = fs.readFileSync(file, 'utf-8').trim().split(' ').map(Number);
  return Number.isFinite(user) && Number.isFinite(system) ? { user, system } : undefined;
}
