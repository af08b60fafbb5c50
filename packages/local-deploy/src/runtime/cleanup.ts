import * as fs from 'fs';
import * as path from 'path';
import { NAMESPACE_PREFIX, RUN_ROOT } from './naming';
import { listNamespaces, namespacePids, removeNamespace } from './network';

/** Kills what is left in a namespace of ours (processes the supervisor no longer tracks), by pid. */
export function killNamespaceProcesses(namespace: string) {
  for (const pid of namespacePids(namespace)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Whether a process runs; a zombie (killed, not yet reaped) does not. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Removes what earlier runs left behind when their process was killed before it could tear down:
 * namespaces of ours whose owner is no longer alive, their processes, /etc/netns folders and run
 * folders. Deployments whose owner is alive are left alone. Returns the removed deployment ids.
 */
export function cleanupStaleDeployments(): string[] {
  const owners = new Map<string, number>();
  if (fs.existsSync(RUN_ROOT)) {
    for (const id of fs.readdirSync(RUN_ROOT)) {
      const file = path.join(RUN_ROOT, id, 'state.json');
      try {
        owners.set(id, JSON.parse(fs.readFileSync(file, 'utf-8')).ownerPid);
      } catch {
        owners.set(id, 0);
      }
    }
  }
  const stale = new Set<string>([...owners].filter(([, pid]) => !pid || !isAlive(pid)).map(([id]) => id));
  for (const ns of listNamespaces().filter(n => n.startsWith(NAMESPACE_PREFIX))) {
    const id = ns.slice(NAMESPACE_PREFIX.length).split('-')[0];
    if (!owners.has(id) || stale.has(id)) {
      stale.add(id);
      killNamespaceProcesses(ns);
      removeNamespace(ns);
    }
  }
  if (fs.existsSync('/etc/netns')) {
    for (const dir of fs.readdirSync('/etc/netns').filter(n => n.startsWith(NAMESPACE_PREFIX))) {
      const id = dir.slice(NAMESPACE_PREFIX.length).split('-')[0];
      if (owners.has(id) && !stale.has(id)) continue;
      stale.add(id);
      removeNamespace(dir);
    }
  }
  for (const id of stale) fs.rmSync(path.join(RUN_ROOT, id), { recursive: true, force: true });
  removeIfEmpty(RUN_ROOT);
  removeIfEmpty('/etc/netns');
  return [...stale];
}

/** Removes a folder the tool created on demand once no deployment uses it. */
export function removeIfEmpty(dir: string) {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (another deployment or someone else's namespace), or already gone.
  }
}
