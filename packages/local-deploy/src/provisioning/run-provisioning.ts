import * as fs from 'fs';
import * as path from 'path';
import { AWS_API_ENVIRONMENT } from '../aws-api';
import { ExitCode, LocalDeployError } from '../errors';
import { formatRecap } from './ansible';
import { HostProvisioning, provisionHost, StepResult } from './association-runner';
import { ProvisioningTarget } from './target';
import { Association, Topology } from '../model/topology';

/**
 * How the local deploy runs Ansible, set in the environment of every provisioning step (the
 * playbook and the document stay as synthesized), because every host's run shares the machine's
 * cores: modules are piped to the interpreter instead of copied, the interpreter is not
 * discovered (Amazon Linux's is /usr/bin/python3 too), and fact gathering collects the `min`
 * subset (distribution, package and service manager, not hardware or network facts).
 */
const ANSIBLE_ENVIRONMENT: Record<string, string> = {
  ANSIBLE_PIPELINING: 'True',
  ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
  ANSIBLE_GATHER_SUBSET: 'min',
};

/** How many lines of a failed step's output the report shows. */
const TAIL_LINES = 15;

/** Provisioning failed on at least one host; the message names each failed step. */
export class ProvisioningError extends LocalDeployError {
  constructor(public readonly results: HostProvisioning[]) {
    super(results.filter(r => !r.succeeded).map(describeFailure).join('\n\n'), ExitCode.DEPLOY_FAILED);
  }
}

/**
 * Runs every host's associations, all hosts at once, as State Manager applies an association to
 * each of its targets and every instance runs its own; `onHost` hears of each host as soon as its
 * runs end. No limit: a run may wait for another host's (a web server's waits until its upstream
 * answers before it signals), so holding runs back until others end could deadlock.
 */
export async function provisionHosts(targets: ProvisioningTarget[], topology: Topology, runDir: string,
  onHost: (result: HostProvisioning) => void = () => undefined): Promise<HostProvisioning[]> {
  return Promise.all(targets.filter(m => m.host.associations.length > 0).map(async m => {
    const result = await runAssociations(m, m.host.associations, topology, runDir);
    onHost(result);
    return result;
  }));
}

/** Runs associations on one host of a deployment: its output in the host's folder, assets cached in the run folder. */
export function runAssociations(target: ProvisioningTarget, associations: Association[], topology: Topology,
  runDir: string): Promise<HostProvisioning> {
  return provisionHost(target, associations, {
    outputDir: path.join(target.hostDir, 'provisioning'),
    assetCacheDir: path.join(runDir, 'assets'),
    region: topology.region,
    // The host's AWS CLI reaches the deployment's stand-ins of the AWS APIs from its provisioning too.
    environment: { ...ANSIBLE_ENVIRONMENT, ...AWS_API_ENVIRONMENT },
  });
}

/** One line per step: host, association, document, step, exit code, duration; the play recap for Ansible; a shell step's CPU time. */
export function describeProvisioning(results: HostProvisioning[]): string[] {
  const lines: string[] = [];
  for (const host of results) {
    for (const run of host.runs) {
      for (const step of run.steps) {
        const recap = step.ansible?.recap ? `  play recap: ${formatRecap(step.ansible.recap)}` : '';
        const cpu = step.cpuSeconds !== undefined ? `  CPU ${seconds(step.cpuSeconds * 1000)}` : '';
        lines.push(`  ${host.host.padEnd(6)} ${run.association} (${run.documentName}) ${step.name}: ${outcome(step)} in ${seconds(step.durationMs)}${recap}${cpu}`);
      }
    }
  }
  return lines;
}

/** What failed on a host: the step, its exit code, the command or task, and the last lines of its output. */
export function describeFailure(host: HostProvisioning): string {
  const lines = [`Provisioning failed on ${host.host} (${host.instanceId}):`];
  for (const run of host.runs.filter(r => !r.succeeded)) {
    const step = run.steps[run.steps.length - 1];
    lines.push(`  association ${run.association} (document ${run.documentName}), step ${step.name}: ${outcome(step)} after ${seconds(step.durationMs)}`);
    if (step.ansible?.failedTask) lines.push(`  failed task: ${step.ansible.failedTask.name}: ${step.ansible.failedTask.message}`);
    else if (step.failedCommand) lines.push(`  failed command: ${step.failedCommand}`);
    if (step.ansible?.recap) lines.push(`  play recap: ${formatRecap(step.ansible.recap)}`);
    for (const stream of ['stdout', 'stderr']) {
      const tail = lastLines(path.join(step.outputDir, stream), TAIL_LINES);
      if (tail.length > 0) lines.push(`  last lines of ${stream}:`, ...tail.map(l => `    ${l}`));
    }
  }
  return lines.join('\n');
}

function outcome(step: StepResult): string {
  if (step.timedOut) return `timed out (exit ${step.exitCode})`;
  return step.exitCode === 0 ? 'exit 0' : step.exitCode === -1 ? 'could not run' : `exit ${step.exitCode}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function lastLines(file: string, count: number): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf-8').trimEnd().split('\n').filter(l => l.length > 0).slice(-count);
}
