import * as path from 'path';
import type { MapStackOptions } from './map-stack';
import { DocumentStep } from './ssm-documents';
import { Association, AutoScalingGroup, Host, Topology } from './topology';

/**
 * An association whose properties changed: State Manager runs it again on its targets, within its
 * rate controls.
 */
export interface AssociationRerun {
  readonly logicalId: string;
  readonly documentName: string;
  /** The association as the new template has it, and as the deployment ran it (a rollback runs that again). */
  readonly association: Association;
  readonly previous: Association;
  /** The hosts it targets, in the order they run it. */
  readonly hosts: string[];
  readonly maxConcurrency?: string;
  readonly maxErrors?: string;
  /** What changed: `document`, `parameters or assets`, `rate controls`. */
  readonly changed: string[];
}

/** A group whose template capacity changed: a scale-out or a scale-in. */
export interface CapacityChange {
  readonly group: string;
  /** Instances the deployment runs now, and the template's new DesiredCapacity. */
  readonly from: number;
  readonly to: number;
}

/** A group whose launch template changed: its update policy replaces every instance. */
export interface LaunchTemplateChange {
  readonly group: string;
  readonly hosts: string[];
}

/** What an update of a running deployment to a new topology changes, as CloudFormation would apply it. */
export interface TopologyChanges {
  readonly associations: AssociationRerun[];
  readonly capacities: CapacityChange[];
  readonly launchTemplates: LaunchTemplateChange[];
  /** Changes that need nothing on a running deployment, with why. */
  readonly noEffect: string[];
  /** Changes the local deploy cannot make to a running deployment, with what they are. */
  readonly unsupported: string[];
}

/**
 * How to map a new template of the stack a deployment runs: each group with the instances it runs
 * (a new DesiredCapacity then shows as a change of the group alone), and each instance, balancer
 * and group keeping the private addresses it has (whatever Auto Scaling launched and terminated
 * since, a resource that did not change maps to what runs).
 */
export function mappingOfRunning(topology: Topology): Required<Pick<MapStackOptions, 'groupCapacities' | 'addresses'>> {
  const addresses: Record<string, string[]> = {};
  for (const x of [...topology.hosts, ...topology.balancers]) (addresses[x.logicalId] ??= []).push(x.address);
  return {
    groupCapacities: Object.fromEntries(topology.groups.map(g => [g.logicalId, topology.hosts.filter(h => h.logicalId === g.logicalId).length])),
    addresses,
  };
}

/** Whether the changes change nothing at all. */
export function isEmpty(changes: TopologyChanges): boolean {
  return [changes.associations, changes.capacities, changes.launchTemplates, changes.noEffect, changes.unsupported].every(c => c.length === 0);
}

/**
 * Compares the topology a deployment runs with the topology of a new template of the same stack,
 * and sorts every difference by what CloudFormation does with it on a running stack:
 *
 * - an association whose document, parameters (assets included: their object keys carry their
 *   content's hash) or rate controls changed is updated, and State Manager runs it again on its
 *   targets within its `MaxConcurrency` and `MaxErrors`;
 * - a group's new DesiredCapacity launches or terminates instances; a new launch template replaces
 *   them per the group's UpdatePolicy, the new template's;
 * - a CreationPolicy, an UpdatePolicy alone, an output or a resource the local deploy ignores
 *   (IAM, S3, logs) needs nothing on the running hosts;
 * - anything else (networks, security groups, balancers, hosts outside a group) is listed as
 *   unsupported.
 *
 * Pure: assets are compared by their folder's name, which is the asset's hash, so two assemblies
 * in different folders with the same assets compare equal.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */
export function diffTopologies(held: Topology, next: Topology): TopologyChanges {
  const unsupported: string[] = [];
  const noEffect: string[] = [];
  if (held.stackName !== next.stackName) {
    unsupported.push(`the stack: the deployment runs ${held.stackName}, the assembly's is ${next.stackName}`);
    return { associations: [], capacities: [], launchTemplates: [], noEffect, unsupported };
  }
  const groups = diffGroups(held, next, unsupported, noEffect);

  // An instance of a group is what its group launches: the group is compared, not its instances,
  // which Auto Scaling may have launched and terminated since (other names and addresses).
  const grouped = (t: Topology) => new Set(t.groups.map(g => g.logicalId));
  const standalone = (t: Topology) => new Map(t.hosts.filter(h => !grouped(t).has(h.logicalId)).map(h => [h.name, h]));
  const heldHosts = standalone(held);
  const nextHosts = standalone(next);
  for (const [name, h] of heldHosts) {
    const n = nextHosts.get(name);
    if (!n) {
      unsupported.push(`host ${name} (${h.logicalId}): it is gone from the template`);
      continue;
    }
    for (const key of Object.keys({ ...h, ...n }) as Array<keyof Host>) {
      if (key !== 'associations' && !same(h[key], n[key])) unsupported.push(`host ${name} (${h.logicalId}): its ${key} changed`);
    }
  }
  for (const [name, h] of nextHosts) if (!heldHosts.has(name)) unsupported.push(`host ${name} (${h.logicalId}): it is new in the template`);

  const associations = diffAssociations(held, next, unsupported);

  // Balancers: a group's instances are registered with its target groups as they come and go.
  const balancers = (t: Topology) => t.balancers.map(b => ({
    ...b,
    listeners: b.listeners.map(l => ({
      ...l,
      targetGroup: { ...l.targetGroup, targets: l.targetGroup.targets.filter(name => standalone(t).has(name)) },
    })),
  }));
  compareById('load balancer', balancers(held), balancers(next), b => b.logicalId, unsupported);
  compareById('security group', held.securityGroups, next.securityGroups, g => g.logicalId, unsupported);
  compareById('subnet', held.subnets, next.subnets, x => x.logicalId, unsupported);
  for (const key of ['region', 'vpcCidr', 'internet'] as const) {
    if (!same(held[key], next[key])) unsupported.push(`the VPC's ${key} changed`);
  }

  // A CreationPolicy applies when a resource is created; a running one does not wait again.
  const policy = (t: Topology) => new Map(t.signals.map(x => [x.logicalId, x.timeoutSeconds]));
  for (const [id, timeout] of policy(next)) {
    if (policy(held).get(id) !== timeout) noEffect.push(`${id}: its CreationPolicy (it applies only when the resource is created)`);
  }
  if (!same(held.outputs, next.outputs) || !same(held.exports, next.exports)) noEffect.push('the stack\'s outputs (no running host reads them)');
  return { associations, capacities: groups.capacities, launchTemplates: groups.launchTemplates, noEffect, unsupported };
}

/** What of a group its launch template sets: a change replaces its instances. */
const LAUNCH_TEMPLATE_KEYS: ReadonlyArray<keyof AutoScalingGroup> = ['launchTemplate', 'securityGroups', 'instanceType', 'tokensRequired', 'image'];
/** What of a group follows from the rest of the stack, or is compared on its own. */
const DERIVED_KEYS: ReadonlyArray<keyof AutoScalingGroup> = ['associations', 'hostsEntries', 'desiredCapacity', 'minSize', 'maxSize', 'rollingUpdate'];

function diffGroups(held: Topology, next: Topology, unsupported: string[], noEffect: string[]):
Pick<TopologyChanges, 'capacities' | 'launchTemplates'> {
  const capacities: CapacityChange[] = [];
  const launchTemplates: LaunchTemplateChange[] = [];
  const nextGroups = new Map(next.groups.map(g => [g.logicalId, g]));
  for (const g of held.groups) {
    const n = nextGroups.get(g.logicalId);
    if (!n) {
      unsupported.push(`Auto Scaling group ${g.logicalId}: it is gone from the template`);
      continue;
    }
    const running = held.hosts.filter(h => h.logicalId === g.logicalId).map(h => h.name);
    if (n.desiredCapacity !== g.desiredCapacity) capacities.push({ group: g.logicalId, from: running.length, to: n.desiredCapacity });
    const replaced = LAUNCH_TEMPLATE_KEYS.some(k => !same(g[k], n[k]));
    if (replaced) launchTemplates.push({ group: g.logicalId, hosts: running });
    // CloudFormation takes a new UpdatePolicy with the update: it governs this update's replacement
    // (its rollback uses the previous one), and alone replaces no instance: the policies apply only
    // to a new launch template or VPCZoneIdentifier.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
    if (!replaced && !same(g.rollingUpdate, n.rollingUpdate)) {
      noEffect.push(`${g.logicalId}: its UpdatePolicy (it governs how a later new launch template replaces its instances)`);
    }
    for (const key of Object.keys({ ...g, ...n }) as Array<keyof AutoScalingGroup>) {
      if (!LAUNCH_TEMPLATE_KEYS.includes(key) && !DERIVED_KEYS.includes(key) && !same(g[key], n[key])) {
        unsupported.push(`Auto Scaling group ${g.logicalId}: its ${key} changed`);
      }
    }
    // New limits alone change no instance while the count it runs stays within them.
    const count = n.desiredCapacity !== g.desiredCapacity ? n.desiredCapacity : running.length;
    if ((n.minSize !== g.minSize || n.maxSize !== g.maxSize) && (count < n.minSize || count > n.maxSize)) {
      unsupported.push(`Auto Scaling group ${g.logicalId}: ${count} instances outside its new MinSize ${n.minSize} and MaxSize ${n.maxSize}`);
    } else if (n.minSize !== g.minSize || n.maxSize !== g.maxSize) {
      noEffect.push(`${g.logicalId}: its MinSize and MaxSize (its ${count} instances are within them)`);
    }
  }
  for (const g of next.groups.filter(x => !held.groups.some(h => h.logicalId === x.logicalId))) {
    unsupported.push(`Auto Scaling group ${g.logicalId}: it is new in the template`);
  }
  return { capacities, launchTemplates };
}

/**
 * The associations by logical id, each with what it runs and the names of what it targets: the
 * instances it targets and the groups whose instances it targets (their instances run it).
 */
function associationsOf(t: Topology): Map<string, { association: Association; targets: string[] }> {
  const out = new Map<string, { association: Association; targets: string[] }>();
  const add = (target: string, associations: Association[]) => {
    for (const a of associations) {
      const entry = out.get(a.logicalId) ?? { association: a, targets: [] };
      entry.targets.push(target);
      out.set(a.logicalId, entry);
    }
  };
  const grouped = new Set(t.groups.map(g => g.logicalId));
  for (const h of t.hosts.filter(x => !grouped.has(x.logicalId))) add(h.name, h.associations);
  for (const g of t.groups) add(g.logicalId, g.associations);
  return out;
}

function diffAssociations(held: Topology, next: Topology, unsupported: string[]): AssociationRerun[] {
  const before = associationsOf(held);
  const after = associationsOf(next);
  const reruns: AssociationRerun[] = [];
  for (const [id, { association: a, targets }] of after) {
    const old = before.get(id);
    if (!old) {
      unsupported.push(`association ${id}: it is new in the template`);
      continue;
    }
    if (!same([...old.targets].sort(), [...targets].sort())) unsupported.push(`association ${id}: its targets changed`);
    const changed = [
      ...(a.documentName !== old.association.documentName ? ['document'] : []),
      ...(!same(comparableSteps(a.steps), comparableSteps(old.association.steps)) ? ['parameters or assets'] : []),
      ...(a.maxConcurrency !== old.association.maxConcurrency || a.maxErrors !== old.association.maxErrors ? ['rate controls'] : []),
    ];
    if (changed.length > 0) {
      // It runs on the instances that run now and ran it: those of its groups, and its instances.
      const hosts = held.hosts.filter(h => h.associations.some(x => x.logicalId === id)).map(h => h.name);
      const { maxConcurrency, maxErrors } = a;
      const previous = old.association;
      reruns.push({ logicalId: id, documentName: a.documentName, association: a, previous, hosts, maxConcurrency, maxErrors, changed });
    }
  }
  for (const id of before.keys()) if (!after.has(id)) unsupported.push(`association ${id}: it is gone from the template`);
  return reruns;
}

/**
 * The topology a deployment runs once the associations of an update ran: the running hosts (and
 * the groups' new instances) run the new associations; the CreationPolicies and outputs are the
 * new template's. Everything else is the deployment's own, unchanged.
 */
export function withNewAssociations(held: Topology, next: Topology, reruns: AssociationRerun[]): Topology {
  const replace = (associations: Association[]) => associations.map(a => reruns.find(r => r.logicalId === a.logicalId)?.association ?? a);
  return {
    ...held,
    hosts: held.hosts.map(h => ({ ...h, associations: replace(h.associations) })),
    groups: held.groups.map(g => ({ ...g, associations: replace(g.associations) })),
    signals: held.signals.map(p => ({
      ...p,
      timeoutSeconds: next.signals.find(x => x.logicalId === p.logicalId)?.timeoutSeconds ?? p.timeoutSeconds,
    })),
    outputs: next.outputs,
    exports: next.exports,
  };
}

/** A group of the deployment with the new template's capacity, limits and launch template. */
export function withNewGroup(held: Topology, next: Topology, group: string): Topology {
  const n = next.groups.find(g => g.logicalId === group);
  if (!n) throw new Error(`${group} is not a group of the new template`);
  return { ...held, groups: held.groups.map(g => g.logicalId === group ? { ...n, hostsEntries: g.hostsEntries } : g) };
}

/** A document's steps with each asset named by its folder or file (its hash), not where the assembly is. */
function comparableSteps(steps: DocumentStep[]): unknown {
  return steps.map(s => s.action === 'aws:downloadContent' ? { ...s, asset: { ...s.asset, path: path.basename(s.asset.path) } } : s);
}

function compareById<T>(kind: string, held: T[], next: T[], id: (x: T) => string, unsupported: string[]) {
  const nextById = new Map(next.map(x => [id(x), x]));
  for (const x of held) {
    const n = nextById.get(id(x));
    if (!n) unsupported.push(`${kind} ${id(x)}: it is gone from the template`);
    else if (!same(x, n)) unsupported.push(`${kind} ${id(x)}: it changed`);
  }
  for (const x of next.filter(n => !held.some(h => id(h) === id(n)))) unsupported.push(`${kind} ${id(x)}: it is new in the template`);
}

/** Deep equality of JSON data (key order aside). */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v);
}
