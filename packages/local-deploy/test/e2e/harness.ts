import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DeploymentState } from '../../src/deploy/deployment';
import { isAlive } from '../../src/runtime/cleanup';
import { NAMESPACE_PREFIX, RUN_ROOT } from '../../src/runtime/naming';

/** The compiled command-line tool: the end-to-end tests run it as a user would. */
export const CLI = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

/** A deployment held up by `deploy --hold`, for the tests to probe. */
export interface HeldDeployment {
  readonly child: ChildProcess;
  readonly state: DeploymentState;
  output(): string;
}

/**
 * The requests `deploy` sends before it holds. The balancer places each new connection by a hash of
 * its addresses and ports, as an NLB does: with two app instances, all of n requests land on one
 * with probability 2^(1-n), and `deploy` wants answers from both. 20 make that one in half a million.
 */
export const HELD_REQUESTS = 20;

/** Starts `deploy --hold` and waits until it holds (bounded); the state file tells what runs where. */
export async function startHeld(dir: string, stack: string, extraArgs: string[] = []): Promise<HeldDeployment> {
  const args = [CLI, 'deploy', dir, stack, '--hold', '--publish-port', '0', '--requests', String(HELD_REQUESTS), ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  // The first run on a fresh machine also installs the Debian packages.
  const deadline = Date.now() + 600_000;
  while (!output.includes('Holding the deployment up')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`deploy --hold did not come up:\n${output}`);
    await sleep(200);
  }
  const id = fs.readdirSync(RUN_ROOT).find(d => readState(d)?.ownerPid === child.pid);
  if (!id) throw new Error(`no state file of pid ${child.pid} in ${RUN_ROOT}`);
  return { child, state: readState(id)!, output: () => output };
}

export function readState(id: string): DeploymentState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(RUN_ROOT, id, 'state.json'), 'utf-8'));
  } catch {
    return undefined;
  }
}

/** Ends a held deployment (SIGTERM) and checks that it left nothing, including what it launched since. */
export async function stopHeld(held: HeldDeployment | undefined): Promise<void> {
  if (!held) return;
  const state = readState(held.state.id) ?? held.state;
  await stop(held.child);
  expect(await leftoversAfter(state)).toEqual([]);
}

/** Sends a signal to the tool and waits for its exit code (bounded). */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise(resolve => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', code => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Tries a TCP connection from inside a namespace: 'open', 'refused', 'timeout' or the error code. */
export function tcpProbe(namespace: string, host: string, port: number, timeoutMs = 1000): string {
  const script = `const s=require('net').connect({host:${JSON.stringify(host)},port:${port}});` +
    `const t=setTimeout(()=>{console.log('timeout');process.exit(0)},${timeoutMs});` +
    "s.on('connect',()=>{console.log('open');process.exit(0)});" +
    "s.on('error',e=>{console.log(e.code==='ECONNREFUSED'?'refused':e.code);process.exit(0)});";
  return spawnSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', script], { encoding: 'utf-8', timeout: timeoutMs + 5000 }).stdout.trim();
}

/**
 * What is left of a deployment: namespaces, /etc/netns folders, its run folder, live processes
 * (those it recorded, and any process whose command line names its folder, such as a host's init),
 * mounts that name it in this mount namespace.
 */
export function leftovers(state: Pick<DeploymentState, 'id' | 'processes'>): string[] {
  const out: string[] = [];
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout;
  for (const line of namespaces.split('\n')) {
    if (line.startsWith(`${NAMESPACE_PREFIX}${state.id}-`)) out.push(`namespace ${line.split(' ')[0]}`);
  }
  if (fs.existsSync('/etc/netns')) {
    for (const d of fs.readdirSync('/etc/netns')) if (d.startsWith(`${NAMESPACE_PREFIX}${state.id}-`)) out.push(`/etc/netns/${d}`);
  }
  if (fs.existsSync(path.join(RUN_ROOT, state.id))) out.push(`run folder ${state.id}`);
  for (const p of state.processes) {
    if (isAlive(p.pid)) out.push(`process ${p.name} (pid ${p.pid})`);
  }
  const folder = path.join(RUN_ROOT, state.id);
  for (const pid of fs.readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').join(' ');
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.includes(`${folder}/`) && isAlive(Number(pid))) out.push(`process ${pid}: ${cmdline.slice(0, 120)}`);
  }
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf-8').split('\n')) {
    if (line.includes(folder) || line.includes(`${NAMESPACE_PREFIX}${state.id}-`)) out.push(`mount ${line.split(' ').slice(3, 5).join(' ')}`);
  }
  return out;
}

/** The deployment id a run of the tool printed ("Creating 6 namespaces (deployment 3f2a)"). */
export function deploymentId(output: string): string | undefined {
  return /\(deployment ([0-9a-f]+)\)/.exec(output)?.[1];
}

/** How a run of the tool ended, and what it printed. */
export interface ToolRun {
  readonly code: number | null;
  readonly output: string;
}

/** Runs the tool to its end; a run that hangs is stopped after `timeoutMs`. */
export function runTool(args: string[], timeoutMs = 600_000): Promise<ToolRun> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', d => (output += d));
    child.stderr!.on('data', d => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', code => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Waits (bounded) until nothing of a deployment is left, and returns what still is. */
export async function leftoversAfter(state: Pick<DeploymentState, 'id' | 'processes'>, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = leftovers(state);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = leftovers(state);
  }
  return left;
}

/** Pids of the processes that run in a network namespace other than this process's own (inside some deployment). */
export function namespacedPids(): Set<number> {
  const own = netNamespace('self');
  const pids = fs.readdirSync('/proc').filter(d => /^\d+$/.test(d)).map(Number);
  return new Set(pids.filter(pid => {
    const ns = netNamespace(String(pid));
    return ns !== undefined && ns !== own && isAlive(pid);
  }));
}

function netNamespace(pid: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}
