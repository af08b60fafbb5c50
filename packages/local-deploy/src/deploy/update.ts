import { LocalDeployment } from './deployment';
import { scaleIn } from './scaling';
import { StackArtifact } from '../assembly/cloud-assembly';
import { ExitCode, LocalDeployError } from '../errors';
import { rollingReplacementBatches } from '../model/auto-scaling';
import { mapStack } from '../model/map-stack';
import { Association, AutoScalingGroup, Topology } from '../model/topology';
import {
  AssociationRerun, CapacityChange, diffTopologies, isEmpty, mappingOfRunning, TopologyChanges, withNewAssociations, withNewGroup,
} from '../model/topology-diff';
import { HostProvisioning } from '../provisioning/association-runner';
import { concurrencyOf, errorThresholdOf, runRateControlled } from '../provisioning/rate-controls';
import { describeFailure, describeProvisioning, runAssociations } from '../provisioning/run-provisioning';


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

/**
 * The changes of `changes` that the local deploy cannot make to a running deployment. A new
 * launch template is replaced by the new template's UpdatePolicy, which CloudFormation applies
 * with the update (its rollback uses the previous one).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
export function notApplicable(changes: TopologyChanges, next: Topology): string[] {
  return [
    ...changes.unsupported,
    ...changes.launchTemplates.flatMap(c => {
      const group = next.groups.find(g => g.logicalId === c.group);
      // Without an AutoScalingRollingUpdate, CloudFormation updates the group but replaces no instance.
      if (!group?.rollingUpdate) {
        return [`${c.group}: a new launch template without an AutoScalingRollingUpdate UpdatePolicy (the local deploy applies a launch template only by a rolling replacement)`];
      }
      try {
        rollingReplacementBatches(c.hosts, group.maxSize, group.rollingUpdate);
        return [];
      } catch (e) {
        return [`${c.group}: ${(e as Error).message}`];
      }
    }),
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
  // The groups keep the instances they run (a new DesiredCapacity is a change of its own), and
  // every resource its addresses.
  const next = mapStack(stack, mappingOfRunning(held));
  const changes = diffTopologies(held, next);
  if (isEmpty(changes)) {
    log(`No change: the deployment ${deployment.names.id} already runs this template of ${held.stackName}.`);
    return ExitCode.OK;
  }
  log(`Changes of ${held.stackName}:`);
  for (const line of describeChanges(changes)) log(line);
  const refused = notApplicable(changes, next);
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
  // A new launch template first: a scale-out in the same update then launches from it, and a
  // rollback restores the group's previous launch template.
  for (const change of changes.launchTemplates) await rollingReplacement(deployment, next, change.group, log);
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

/**
 * A new launch template, as CloudFormation's AutoScalingRollingUpdate applies it: the old
 * instances are replaced in batches of at most MaxBatchSize, never fewer than
 * MinInstancesInService in service (new instances launched first when needed); with
 * WaitOnResourceSignals each new instance must signal SUCCESS within PauseTime (scaled like the
 * health checks) before the next batch. A FAILURE or missing signal, or a new instance not in
 * service, fails the update, and CloudFormation rolls it back: the new instances are replaced by
 * instances of the previous launch template, and the old ones keep serving.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
async function rollingReplacement(deployment: LocalDeployment, next: Topology, group: string, log: (line: string) => void) {
  const previous = deployment.topology.groups.find(g => g.logicalId === group)!;
  deployment.adopt(withNewGroup(deployment.topology, next, group));
  const newGroup = deployment.topology.groups.find(g => g.logicalId === group)!;
  const failure = await replaceInBatches(deployment, newGroup, log);
  if (!failure) return;
  log(`${group}: the rolling update failed (${failure.reason}); rolling back to the previous launch template`);
  const restored = deployment.topology.groups.map(g => g.logicalId === group ? { ...previous, associations: g.associations } : g);
  deployment.adopt({ ...deployment.topology, groups: restored });
  for (const host of failure.unproven) await deployment.terminateInstance(host);
  // The rollback replaces by the previous template's own UpdatePolicy (and MaxSize).
  const rollback = { ...previous, rollingUpdate: { ...(previous.rollingUpdate ?? newGroup.rollingUpdate!), waitOnResourceSignals: false } };
  const back = await replaceInBatches(deployment, rollback, log, failure.replaced).catch((e: Error) => ({ reason: e.message }));
  if (back) log(`${group}: the rollback failed too: ${back.reason}`);
  throw new LocalDeployError(`The update failed and was rolled back: ${group}'s rolling update stopped at ${failure.reason}; `
    + `${failure.unproven.length > 0 ? `${failure.unproven.join(', ')} terminated, ` : ''}the instances of the previous launch template keep serving`, ExitCode.DEPLOY_FAILED);
}

/** Why a rolling replacement stopped, the new instances that did not prove themselves, and those that did. */
export interface ReplacementFailure {
  readonly reason: string;
  readonly unproven: string[];
  readonly replaced: string[];
}

/** Replaces `hosts` (by default the group's running instances) per the group's AutoScalingRollingUpdate. */
export async function replaceInBatches(deployment: LocalDeployment, group: AutoScalingGroup, log: (line: string) => void,
  hosts = deployment.runningInstances(group.logicalId).map(h => h.name)): Promise<ReplacementFailure | undefined> {
  const policy = group.rollingUpdate!;
  const batches = rollingReplacementBatches(hosts, group.maxSize, policy, deployment.runningInstances(group.logicalId).length);
  const pauseMs = policy.pauseTimeSeconds * 1000 * deployment.healthCheckTimeScale;
  const pause = `PauseTime ${policy.pauseTimeSeconds}s (x${deployment.healthCheckTimeScale} locally: ${Number((pauseMs / 1000).toFixed(3))}s)`;
  log(`${group.logicalId}: replacing ${hosts.join(', ')} in ${batches.length} batches of at most ${policy.maxBatchSize}, `
    + `at least ${policy.minInstancesInService} in service${policy.waitOnResourceSignals ? `, each new instance signalling within ${pause}` : ''}`);
  const replaced: string[] = [];
  const launch = async (count: number): Promise<string | undefined> => {
    if (count === 0) return undefined;
    const started = Date.now();
    if (policy.waitOnResourceSignals) deployment.signals.beginUpdate(group.logicalId);
    try {
      const launched = await deployment.launchInstances(group.logicalId, count);
      const signals = policy.waitOnResourceSignals
        ? await deployment.signals.waitForUpdateSignals(group.logicalId, launched.map(l => l.host), started + pauseMs) : undefined;
      const bad = launched.map(l => {
        const signal = signals?.get(l.host);
        if (signals && !signal) return `${l.host} (${l.instanceId}) sent no signal within ${pause}`;
        if (signal?.status === 'FAILURE') return `${l.host} (${l.instanceId}) signalled FAILURE: ${signal.reason ?? 'no reason given'}`;
        if (!l.inService) return `${l.host} (${l.instanceId}) ${l.provisioned ? 'did not become healthy' : 'failed its provisioning'}`;
        return undefined;
      }).filter((x): x is string => !!x);
      if (bad.length > 0) {
        failed = { reason: bad.join(', '), unproven: launched.map(l => l.host), replaced: [...replaced] };
        return failed.reason;
      }
      replaced.push(...launched.map(l => l.host));
      return undefined;
    } finally {
      deployment.signals.endUpdate(group.logicalId);
    }
  };
  let failed: ReplacementFailure | undefined;
  for (const batch of batches) {
    if (await launch(batch.launchFirst)) return failed;
    for (const host of batch.terminate) {
      log(`${group.logicalId}: terminating ${host}, replaced by the new launch template`);
      await deployment.terminateInstance(host);
    }
    if (await launch(batch.launchAfter)) return failed;
  }
  log(`${group.logicalId}: ${hosts.join(', ')} replaced by ${replaced.join(', ')}`);
  return undefined;
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
