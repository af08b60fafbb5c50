import { spawn, spawnSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnsibleReport, readAnsibleOutput } from './ansible';
import { readCpuSeconds, withCpuAccounting } from './rusage';
import { ProvisioningTarget } from './target';
import { DocumentStep, DownloadContentStep, RunShellScriptStep } from '../model/ssm-documents';
import { Association } from '../model/topology';

/** How one step of a document ended. */
export interface StepResult {
  readonly name: string;
  readonly action: DocumentStep['action'];
  /** 0 on success; -1 when it could not run at all. */
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The step's output folder in the deployment folder: stdout and stderr, as the association's S3 output. */
  readonly outputDir: string;
  /** The shell command that failed last (`set -e` scripts: the one that ended the script), with its line. */
  readonly failedCommand?: string;
  /** What an ansible-playbook run printed, when the step ran one. */
  readonly ansible?: AnsibleReport;
  /**
   * A shell step's CPU seconds (user + system): its script and every process it waited for
   * (ansible-playbook and its modules, dnf, pip), not the services systemd started. None when
   * the step was killed or could not run.
   */
  readonly cpuSeconds?: number;
}

/** One association's run on one host. */
export interface AssociationRun {
  readonly association: string;
  readonly documentName: string;
  /** The steps that ran, in order; a failed step is the last. */
  readonly steps: StepResult[];
  readonly succeeded: boolean;
}

/** Everything that ran on one host. */
export interface HostProvisioning {
  readonly host: string;
  readonly instanceId: string;
  readonly runs: AssociationRun[];
  readonly succeeded: boolean;
  readonly durationMs: number;
}

/** Options of {@link provisionHost}. */
export interface ProvisionOptions {
  /** Where each step's stdout and stderr are kept: `<outputDir>/<association>/<step>/`. */
  readonly outputDir: string;
  /** Folder for the zips of folder assets (made once, as `cdk-assets` uploads them). */
  readonly assetCacheDir: string;
  readonly region: string;
  /** Variables added to every step's environment (e.g. tuning of Ansible). */
  readonly environment?: Record<string, string>;
}

/** The environment SSM Agent gives a command on Amazon Linux 2023 (no HOME, as the agent's own service). */
const AGENT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * Sourced by bash before a script (BASH_ENV), not part of the document: in the bash that runs the
 * script itself (not the shell that starts it, nor the scripts it runs), remembers the command
 * that failed last, so that a failure report can name it.
 */
function failedCommandTrap(script: string, file: string): string {
  return [
    `[ "$0" = ${script} ] || return 0`,
    'unset BASH_ENV',
    `trap 'nlbt_status=$?; printf "%s (line %s, exit %s)\\n" "$BASH_COMMAND" "$LINENO" "$nlbt_status" > ${file} 2>/dev/null || true' ERR`,
  ].join('\n') + '\n';
}

/**
 * Runs the associations of a host as SSM Agent runs a Command document: each step in order, the
 * shell steps by bash inside the host (its network and mount namespaces) in the agent's
 * orchestration folder, with the step's timeout; `aws:downloadContent` copies the S3 object (an
 * asset of the assembly) into the host. A failed step ends its association.
 */
export async function provisionHost(target: ProvisioningTarget, associations: Association[], options: ProvisionOptions): Promise<HostProvisioning> {
  const started = Date.now();
  const runs: AssociationRun[] = [];
  for (const association of associations) {
    const commandId = randomUUID();
    const steps: StepResult[] = [];
    for (const step of association.steps) {
      const outputDir = path.join(options.outputDir, association.logicalId, folderName(step.name));
      fs.rmSync(outputDir, { recursive: true, force: true });
      fs.mkdirSync(outputDir, { recursive: true });
      const orchestration = orchestrationFolder(target.host.instanceId, commandId, step.name);
      fs.mkdirSync(target.path(orchestration), { recursive: true, mode: 0o700 });
      const result = step.action === 'aws:runShellScript'
        ? await runShellScript(target, step, orchestration, outputDir, options)
        : downloadContent(target, step, orchestration, outputDir, options);
      steps.push(result);
      if (result.exitCode !== 0) break;
    }
    runs.push({ association: association.logicalId, documentName: association.documentName, steps, succeeded: steps.every(s => s.exitCode === 0) });
  }
  const { name: host, instanceId } = target.host;
  return { host, instanceId, runs, succeeded: runs.every(r => r.succeeded), durationMs: Date.now() - started };
}

/** Where SSM Agent runs a step of a command on an instance (its orchestration folder). */
export function orchestrationFolder(instanceId: string, commandId: string, step: string): string {
  return `/var/lib/amazon/ssm/${instanceId}/document/orchestration/${commandId}/${folderName(step)}`;
}

/** How an `aws:runShellScript` step is started inside a host: paths are the host's. */
export interface ShellInvocation {
  /** The command line on this machine (it enters the host). */
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  /** The script file (the step's `runCommand` lines), and the file sourced before it (BASH_ENV). */
  readonly script: string;
  readonly trap: string;
  /** Where the trap writes the command that failed last. */
  readonly failedCommandFile: string;
}

/**
 * How SSM Agent runs a shell step on Linux: the `runCommand` lines as a script file in the
 * orchestration folder, run by bash (which honours its #! line) in the step's `workingDirectory`
 * or else the orchestration folder, with the agent's environment, and killed after `timeoutSeconds`.
 */
export function shellInvocation(target: ProvisioningTarget, step: RunShellScriptStep, orchestration: string,
  options: Pick<ProvisionOptions, 'region' | 'environment'>): ShellInvocation {
  const script = `${orchestration}/_script.sh`;
  const trap = `${orchestration}/.nlb-tiers-errtrap.sh`;
  return {
    argv: target.enter(['/bin/bash', '-c', script], step.workingDirectory || orchestration),
    env: {
      PATH: AGENT_PATH,
      LANG: 'C.UTF-8',
      AWS_SSM_INSTANCE_ID: target.host.instanceId,
      AWS_SSM_REGION_NAME: options.region,
      BASH_ENV: trap,
      ...options.environment,
    },
    timeoutMs: step.timeoutSeconds * 1000,
    script,
    trap,
    failedCommandFile: `${orchestration}/.nlb-tiers-failed-command`,
  };
}

/** The exit code of a step: its process's own; else 124 when the step's timeout killed it (the code of GNU `timeout`), else 128 + the signal, as a shell reports it. */
export function stepExitCode(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean): number {
  return code ?? (timedOut ? 124 : 128 + (signal ? signalNumber(signal) : 0));
}

async function runShellScript(target: ProvisioningTarget, step: RunShellScriptStep, orchestration: string, outputDir: string,
  options: ProvisionOptions): Promise<StepResult> {
  const invocation = shellInvocation(target, step, orchestration, options);
  fs.writeFileSync(target.path(invocation.script), step.script, { mode: 0o700 });
  fs.writeFileSync(target.path(invocation.trap), failedCommandTrap(invocation.script, invocation.failedCommandFile), { mode: 0o600 });
  const stdout = fs.openSync(path.join(outputDir, 'stdout'), 'w');
  const stderr = fs.openSync(path.join(outputDir, 'stderr'), 'w');
  const started = Date.now();
  // Written by this machine's python3 (outside the host), beside the trap's file.
  const cpuFile = target.path(`${orchestration}/.nlb-tiers-cpu`);
  const [command, ...args] = withCpuAccounting(invocation.argv, cpuFile);
  const { exitCode, timedOut } = await new Promise<{ exitCode: number; timedOut: boolean }>(resolve => {
    const child = spawn(command, args, { env: invocation.env, stdio: ['ignore', stdout, stderr], detached: true });
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      killGroup(child.pid);
    }, invocation.timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ exitCode: -1, timedOut: false });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Whatever the script left in its process group goes with it, as the agent's process does.
      killGroup(child.pid);
      resolve({ exitCode: stepExitCode(code, signal, expired), timedOut: expired });
    });
  });
  fs.closeSync(stdout);
  fs.closeSync(stderr);
  const failedCommandFile = target.path(invocation.failedCommandFile);
  const failedCommand = exitCode !== 0 && fs.existsSync(failedCommandFile) ? fs.readFileSync(failedCommandFile, 'utf-8').trim() : undefined;
  const ansible = readAnsibleOutput(fs.readFileSync(path.join(outputDir, 'stdout'), 'utf-8'));
  const cpu = readCpuSeconds(cpuFile);
  return {
    name: step.name,
    action: step.action,
    exitCode,
    timedOut,
    durationMs: Date.now() - started,
    outputDir,
    ...(failedCommand ? { failedCommand } : {}),
    ...(ansible ? { ansible } : {}),
    ...(cpu ? { cpuSeconds: cpu.user + cpu.system } : {}),
  };
}

function downloadContent(target: ProvisioningTarget, step: DownloadContentStep, orchestration: string, outputDir: string,
  options: ProvisionOptions): StepResult {
  const started = Date.now();
  const source = step.asset.packaging === 'zip' ? zipOf(step.asset.path, options.assetCacheDir) : step.asset.path;
  const destination = downloadDestination(step, orchestration, inHost => {
    const existing = target.path(inHost);
    return fs.existsSync(existing) && fs.statSync(existing).isDirectory();
  });
  let exitCode = 0;
  let message = `Content downloaded to ${destination}\n`;
  try {
    fs.mkdirSync(path.dirname(target.path(destination)), { recursive: true });
    fs.copyFileSync(source, target.path(destination));
  } catch (e) {
    exitCode = 1;
    message = `Failed to download ${step.sourcePath} to ${destination}: ${(e as Error).message}\n`;
  }
  fs.writeFileSync(path.join(outputDir, exitCode === 0 ? 'stdout' : 'stderr'), message);
  fs.writeFileSync(path.join(outputDir, exitCode === 0 ? 'stderr' : 'stdout'), '');
  return { name: step.name, action: step.action, exitCode, timedOut: false, durationMs: Date.now() - started, outputDir };
}

/**
 * Where `aws:downloadContent` puts an S3 object in the host: `destinationPath` (relative to the
 * orchestration folder unless absolute), or the orchestration folder when it is empty; an existing
 * folder receives the object under its own name, any other path is the file itself.
 */
export function downloadDestination(step: Pick<DownloadContentStep, 'sourcePath' | 'destinationPath'>, orchestration: string,
  isFolder: (inHost: string) => boolean): string {
  const objectName = step.sourcePath.split('/').pop()!;
  const destination = step.destinationPath ? path.posix.resolve(orchestration, step.destinationPath) : orchestration;
  return isFolder(destination) || !step.destinationPath ? path.posix.join(destination, objectName) : destination;
}

/** The zip of a folder asset, as it sits in S3 (made once per deployment). */
function zipOf(folder: string, cacheDir: string): string {
  const zip = path.join(cacheDir, `${path.basename(folder)}.zip`);
  if (fs.existsSync(zip)) return zip;
  fs.mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('/usr/bin/python3', ['-m', 'zipfile', '-c', `${zip}.tmp`, ...fs.readdirSync(folder)], { cwd: folder, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`Could not zip the asset ${folder}: ${r.stderr || r.error?.message}`);
  fs.renameSync(`${zip}.tmp`, zip);
  return zip;
}

/** The folder name of a step, as SSM names the output of a plugin (`0.aws:runShellScript` -> `0.awsrunShellScript`). */
export function folderName(step: string): string {
  return step.replace(/[^\w.-]/g, '');
}

function killGroup(pid: number | undefined) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return (os.constants.signals as Record<string, number>)[signal] ?? 0;
}
