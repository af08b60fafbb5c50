/** The counts of Ansible's `PLAY RECAP` line for one host. */
export interface PlayRecap {
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rescued: number;
  readonly ignored: number;
}

/** What a run of ansible-playbook said, read from its default output. */
export interface AnsibleReport {
  readonly recap?: PlayRecap;
  /** The tasks (and handlers) that reported `changed`, in order. */
  readonly changedTasks: string[];
  /** The task that failed and Ansible's message. */
  readonly failedTask?: { readonly name: string; readonly message: string };
}

/**
 * Reads the output of ansible-playbook (default callback, as a document's shell step prints it).
 * Undefined when the output has no play in it.
 */
export function readAnsibleOutput(stdout: string): AnsibleReport | undefined {
  const lines = stdout.split('\n');
  if (!lines.some(l => /^PLAY \[/.test(l))) return undefined;
  let task = '';
  const changedTasks: string[] = [];
  let failedTask: AnsibleReport['failedTask'];
  let recap: PlayRecap | undefined;
  for (const line of lines) {
    const header = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$/.exec(line);
    if (header) {
      task = header[1];
      continue;
    }
    if (/^changed: \[/.test(line) && changedTasks[changedTasks.length - 1] !== task) changedTasks.push(task);
    const failure = /^(?:fatal|failed): \[[^\]]+\](?: \(item=.*\))?: (?:FAILED|UNREACHABLE)! => (.*)$/.exec(line);
    if (failure && !failedTask) failedTask = { name: task, message: failureMessage(failure[1]) };
    const counts = /^\S+\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/.exec(line);
    if (counts) {
      const [ok, changed, unreachable, failed, skipped, rescued, ignored] = counts.slice(1).map(Number);
      recap = { ok, changed, unreachable, failed, skipped, rescued, ignored };
    }
  }
  return { recap, changedTasks, failedTask };
}

/** `ok=9 changed=0 failed=0 ...` as Ansible prints it. */
export function formatRecap(recap: PlayRecap): string {
  return Object.entries(recap).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** Ansible's message of a failed task: the result's `msg` (JSON after `=>`), else the text as is. */
function failureMessage(result: string): string {
  try {
    const parsed = JSON.parse(result);
    return String(parsed.msg ?? parsed.stderr ?? result).trim();
  } catch {
    return result.trim();
  }
}
