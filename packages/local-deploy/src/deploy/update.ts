import { LocalDeployment } from './deployment';
import { scaleIn } from './scaling';
import { StackArtifact } from '../assembly/cloud-assembly';
import { ExitCode, LocalDeployError } from '../errors';
import { mapStack } from '../model/map-stack';
import { Association, Topology } from '../model/topology';
import {
  AssociationRerun, CapacityChange, diffTopologies, instancesPerGroup, isEmpty, TopologyChanges, withNewAssociations, withNewGroup,
} from '../model/topology-diff';
import { HostProvisioning } from '../provisioning/association-runner';
import { concurrencyOf, errorThresholdOf, runRateControlled } from '../provisioning/rate-controls';
import { describeFailure, describeProvisioning, runAssociations } from '../provisioning/run-provisioning';

/** What the local deploy cannot apply to a running deployment yet. */
const NOT_YET_LAUNCH_TEMPLATE = 'a rolling replacement of the group\'s instances that waits for their resource signals (its UpdatePolicy)';

/** An update the local deploy cannot apply: it lists every change it cannot make, and changed nothing. */
export class UpdateNotApplicableError extends LocalDeployError {
  constructor(public readonly changes: string[]) {
    super(`The update cannot be applied to the running deployment; nothing was changed:\n${changes.map(c => `  - ${c}`).join('\n')}`, ExitCode.UPDATE_NOT_APPLICABLE);
  }
}

/** Describes the changes of an update, one line each, in the order they apply. */
export function describeChanges(changes: TopologyChanges): string[] {
  return [
    ...changes.associations.map(a => `  association ${a.logicalId} (${a.documentName}): ${a.changed.join(', ')} changed; runs again on ${a.hosts.join(', ')}, `
      + `MaxConcurrency ${a.maxConcurrency ?? '(all at once)'}, MaxErrors ${a.maxErrors ?? '(no threshold)'}`),
    ...changes.capacities.map(c => `  ${c.group}: DesiredCapacity ${c.from} -> ${c.to} (${c.to > c.from ? 'scale-out' : 'scale-in'})`),
    ...changes.launchTemplates.map(c => `  ${c.group}: its launch template changed; its UpdatePolicy replaces ${c.hosts.join(', ')}`),
    ...changes.noEffect.map(c => `  needs nothing on the running hosts: ${c}`),
  ];
}

/** The changes of `changes` that the local deploy cannot make to a running deployment. */
export function notApplicable(changes: TopologyChanges): string[] {
  return [
    ...changes.unsupported,
    ...changes.launchTemplates.map(c => `${c.group}: a new launch template needs ${NOT_YET_LAUNCH_TEMPLATE}, which the local deploy cannot do yet`),
  ];
}

/**
 * Applies a new template of the deployment's stack to the running deployment as CloudFormation
 * applies a new template to a running stack: first it compares the two, and if any change is one
 * the local deploy cannot make, it lists them all and changes nothing ({@link UpdateNotApplicableError}).
 * Then each changed association runs again on its targets within its rate controls (as State
 * Manager runs an updated association), and each group takes its new capacity. A run that fails past `MaxErrors` fails the association,
 * and CloudFormation, which waits for it, fails the update and rolls it back: the previous
 * association runs again on the targets the new one ran on, and the deployment keeps its topology.
 *
 * Runs in the process that holds the deployment: it owns the hosts' init systems and processes.
 */
export async function updateDeployment(deployment: LocalDeployment, stack: StackArtifact, log: (line: string) => void): Promise<ExitCode> {
  const held = deployment.topology;
  // The groups keep the instances they run: a new DesiredCapacity is a change of its own.
  const next = mapStack(stack, { groupCapacities: instancesPerGroup(held) });
  const changes = diffTopologies(held, next);
  if (isEmpty(changes)) {
    log(`No change: the deployment ${deployment.names.id} already runs this template of ${held.stackName}.`);
    return ExitCode.OK;
  }
  log(`Changes of ${held.stackName}:`);
  for (const line of describeChanges(changes)) log(line);
  const refused = notApplicable(changes);
  if (refused.length > 0) throw new UpdateNotApplicableError(refused);

  const started = Date.now();
  for (const rerun of changes.associations) {
    const failure = await rerunAssociation(deployment, rerun, log);
    if (failure) {
      await rollBack(deployment, rerun, failure.ran, log);
      throw new LocalDeployError(`The update failed and was rolled back: association ${rerun.logicalId} failed on ${failure.failed.map(r => `${r.host} (${r.instanceId})`).join(', ')}; `
        + `${failure.notRun.length > 0 ? `it did not run on ${failure.notRun.join(', ')}, ` : ''}which kept the version they had.\n\n${failure.failed.map(describeFailure).join('\n\n')}`,
      ExitCode.DEPLOY_FAILED);
    }
  }
  deployment.adopt(withNewAssociations(deployment.topology, next, changes.associations));
  for (const change of changes.capacities) await changeCapacity(deployment, next, change, log);
  log(`Updated in ${((Date.now() - started) / 1000).toFixed(1)}s: the deployment ${deployment.names.id} runs the new template of ${next.stackName}.`);
  return ExitCode.OK;
}

/**
 * A new DesiredCapacity, as Auto Scaling applies it: a scale-out launches the instances, which run
 * the associations that target them and take requests once their targets are healthy; a scale-in
 * terminates instances by the default termination policy, each drained first. CloudFormation does
 * not wait for either; the local deploy does, and fails when a new instance is not in service.
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 */
async function changeCapacity(deployment: LocalDeployment, next: Topology, change: CapacityChange, log: (line: string) => void) {
  deployment.adopt(withNewGroup(deployment.topology, next, change.group));
  const running = deployment.runningInstances(change.group).length;
  if (change.to < running) {
    await scaleIn(deployment, change.group, change.to, { log });
    return;
  }
  if (change.to === running) return;
  log(`${change.group}: scaling out from ${running} to ${change.to}`);
  const launched = await deployment.launchInstances(change.group, change.to - running);
  const out = launched.filter(l => !l.inService);
  if (out.length > 0) {
    const why = (l: typeof out[number]) => `${l.host} (${l.instanceId}) ${l.provisioned ? 'did not become healthy' : 'failed its provisioning'}`;
    throw new LocalDeployError(`${change.group}: ${out.map(why).join(', ')}; `
      + 'the group keeps it, as Auto Scaling does, for its health checks to replace', ExitCode.DEPLOY_FAILED);
  }
}

/** Which runs of a rerun failed, which hosts ran it, and which did not run it. */
interface RerunFailure {
  readonly failed: HostProvisioning[];
  readonly ran: string[];
  readonly notRun: string[];
}

async function rerunAssociation(deployment: LocalDeployment, rerun: AssociationRerun,
  log: (line: string) => void): Promise<RerunFailure | undefined> {
  const concurrency = concurrencyOf(rerun.maxConcurrency, rerun.hosts.length);
  const threshold = errorThresholdOf(rerun.maxErrors, rerun.hosts.length);
  log(`${rerun.logicalId}: running on ${rerun.hosts.length} targets, ${concurrency} at a time, `
    + `stopping once more than ${threshold === Infinity ? 'all' : threshold} fail`);
  const run = await runRateControlled(rerun.hosts, concurrency, threshold,
    host => runOn(deployment, host, rerun.association, log), r => r.succeeded);
  const failed = run.results.filter(r => !r.succeeded);
  if (failed.length <= threshold) return undefined;
  log(`${rerun.logicalId}: ${failed.length} of ${run.results.length} runs failed, more than MaxErrors ${rerun.maxErrors} allows: `
    + `${run.notRun.length > 0 ? `not sent to ${run.notRun.join(', ')}` : 'every target ran it'}`);
  return { failed, ran: run.results.map(r => r.host), notRun: run.notRun };
}

/** CloudFormation's rollback: the previous association runs again where the failed one ran. */
async function rollBack(deployment: LocalDeployment, rerun: AssociationRerun, hosts: string[], log: (line: string) => void) {
  log(`Rolling back: ${rerun.logicalId} gets its previous document and parameters, and runs them again on ${hosts.join(', ')} `
    + '(where the new ones ran; on the other targets a run would change nothing)');
  const run = await runRateControlled(hosts, 1, Infinity,
    host => runOn(deployment, host, rerun.previous, log), r => r.succeeded);
  for (const r of run.results.filter(x => !x.succeeded)) log(`The rollback failed on ${r.host} too:\n${describeFailure(r)}`);
}

/** Runs one association on one host, and says how it ended and what it changed. */
async function runOn(deployment: LocalDeployment, host: string, association: Association, log: (line: string) => void): Promise<HostProvisioning> {
  const machine = deployment.machine(host);
  if (!machine) throw new LocalDeployError(`${host} is not a running host of deployment ${deployment.names.id}`, ExitCode.DEPLOY_FAILED);
  const hostActions = () => deployment.unitActions.filter(a => a.host === host);
  const actionsBefore = hostActions().length;
  log(`  ${host} (${machine.host.instanceId}): running ${association.logicalId}`);
  const result = await runAssociations(machine, [association], deployment.topology, deployment.names.runDir);
  for (const line of describeProvisioning([result])) log(line);
  const changed = result.runs.flatMap(r => r.steps).flatMap(s => s.ansible?.changedTasks ?? []);
  const actions = hostActions().slice(actionsBefore).map(a => `${a.action} ${a.unit}`);
  log(`  ${host}: ${result.succeeded ? 'succeeded' : 'FAILED'}; Ansible changed: ${changed.join(', ') || 'nothing'}; systemctl: ${actions.join(', ') || 'nothing'}`);
  return result;
}
