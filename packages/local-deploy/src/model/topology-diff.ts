import * as path from 'path';
import { DocumentStep } from './ssm-documents';
import { Association, Host, Topology } from './topology';

/**
 * An association whose properties changed: State Manager runs it again on its targets, within its
 * rate controls.
 */
export interface AssociationRerun {
  readonly logicalId: string;
  readonly documentName: string;
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
 * The instances each Auto Scaling group of a topology runs, by logical id: map a new template of
 * the stack with these (`groupCapacities`), so that its hosts and addresses are the running ones
 * and a new DesiredCapacity shows as a change of the group alone.
 */
export function instancesPerGroup(topology: Topology): Record<string, number> {
  return Object.fromEntries(topology.autoScalingGroups.map(g => [g.logicalId, topology.hosts.filter(h => h.logicalId === g.logicalId).length]));
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
 *   them per the group's UpdatePolicy;
 * - a CreationPolicy, an output or a resource the local deploy ignores (IAM, S3, logs) needs
 *   nothing on the running hosts;
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
  const changedGroups = new Set([...groups.capacities.map(c => c.group), ...groups.launchTemplates.map(c => c.group)]);
  const launchTemplateGroups = new Set(groups.launchTemplates.map(c => c.group));

  // Hosts: those of a group whose capacity changes come and go with it; a new launch template
  // changes what its hosts are launched from.
  const heldHosts = new Map(held.hosts.map(h => [h.name, h]));
  const nextHosts = new Map(next.hosts.map(h => [h.name, h]));
  for (const h of held.hosts.filter(x => !nextHosts.has(x.name) && !changedGroups.has(x.logicalId))) unsupported.push(`host ${h.name} (${h.logicalId}): it is gone from the template`);
  for (const h of next.hosts.filter(x => !heldHosts.has(x.name) && !changedGroups.has(x.logicalId))) unsupported.push(`host ${h.name} (${h.logicalId}): it is new in the template`);
  for (const [name, h] of heldHosts) {
    const n = nextHosts.get(name);
    if (!n) continue;
    const ignoring: Array<keyof Host> = ['associations', ...(launchTemplateGroups.has(h.logicalId) ? ['metadata', 'image', 'securityGroups'] as Array<keyof Host> : [])];
    for (const key of Object.keys({ ...h, ...n }) as Array<keyof Host>) {
      if (!ignoring.includes(key) && !same(h[key], n[key])) unsupported.push(`host ${name} (${h.logicalId}): its ${key} changed`);
    }
  }

  const associations = diffAssociations(held, next, unsupported);

  // Balancers: the targets of a group whose capacity changes come and go with it.
  const targetsOf = (t: Topology) => t.balancers.map(b => ({
    ...b,
    listeners: b.listeners.map(l => ({
      ...l,
      targetGroup: { ...l.targetGroup, targets: l.targetGroup.targets.filter(name => !changedGroups.has(hostOf(t, name)?.logicalId ?? '')) },
    })),
  }));
  compareById('load balancer', targetsOf(held), targetsOf(next), b => b.logicalId, unsupported);
  compareById('security group', held.securityGroups, next.securityGroups, g => g.logicalId, unsupported);
  compareById('subnet', held.subnets, next.subnets, s => s.logicalId, unsupported);
  for (const key of ['region', 'vpcCidr', 'internet'] as const) {
    if (!same(held[key], next[key])) unsupported.push(`the VPC's ${key} changed`);
  }

  // A CreationPolicy applies when a resource is created; a running one does not wait again.
  const policy = (t: Topology) => new Map(t.signals.map(s => [s.logicalId, s.timeoutSeconds]));
  for (const [id, timeout] of policy(next)) {
    if (policy(held).get(id) !== timeout) noEffect.push(`${id}: its CreationPolicy (it applies only when the resource is created)`);
  }
  if (!same(held.outputs, next.outputs) || !same(held.exports, next.exports)) noEffect.push('the stack\'s outputs (no running host reads them)');
  return { associations, capacities: groups.capacities, launchTemplates: groups.launchTemplates, noEffect, unsupported };
}

function diffGroups(held: Topology, next: Topology, unsupported: string[], noEffect: string[]): Pick<TopologyChanges, 'capacities' | 'launchTemplates'> {
  const capacities: CapacityChange[] = [];
  const launchTemplates: LaunchTemplateChange[] = [];
  const nextGroups = new Map(next.autoScalingGroups.map(g => [g.logicalId, g]));
  for (const g of held.autoScalingGroups) {
    const n = nextGroups.get(g.logicalId);
    if (!n) {
      unsupported.push(`Auto Scaling group ${g.logicalId}: it is gone from the template`);
      continue;
    }
    const running = held.hosts.filter(h => h.logicalId === g.logicalId).map(h => h.name);
    if (n.desiredCapacity !== g.desiredCapacity) capacities.push({ group: g.logicalId, from: running.length, to: n.desiredCapacity });
    if (!same(g.launchTemplate, n.launchTemplate)) launchTemplates.push({ group: g.logicalId, hosts: running });
    // New limits alone change no instance while the count it runs stays within them.
    const count = n.desiredCapacity !== g.desiredCapacity ? n.desiredCapacity : running.length;
    if ((n.minSize !== g.minSize || n.maxSize !== g.maxSize) && (count < n.minSize || count > n.maxSize)) {
      unsupported.push(`Auto Scaling group ${g.logicalId}: ${count} instances outside its new MinSize ${n.minSize} and MaxSize ${n.maxSize}`);
    } else if (n.minSize !== g.minSize || n.maxSize !== g.maxSize) {
      noEffect.push(`${g.logicalId}: its MinSize and MaxSize (its ${count} instances are within them)`);
    }
  }
  for (const g of next.autoScalingGroups.filter(x => !held.autoScalingGroups.some(h => h.logicalId === x.logicalId))) {
    unsupported.push(`Auto Scaling group ${g.logicalId}: it is new in the template`);
  }
  return { capacities, launchTemplates };
}

function diffAssociations(held: Topology, next: Topology, unsupported: string[]): AssociationRerun[] {
  const byId = (t: Topology) => {
    const out = new Map<string, { association: Association; hosts: string[] }>();
    for (const h of t.hosts) {
      for (const a of h.associations) {
        const entry = out.get(a.logicalId) ?? { association: a, hosts: [] };
        entry.hosts.push(h.name);
        out.set(a.logicalId, entry);
      }
    }
    return out;
  };
  const before = byId(held);
  const after = byId(next);
  const reruns: AssociationRerun[] = [];
  for (const [id, { association: a, hosts }] of after) {
    const old = before.get(id);
    if (!old) {
      unsupported.push(`association ${id}: it is new in the template`);
      continue;
    }
    // Its targets come from tags and groups: hosts that come and go with a capacity change are that change's.
    const stay = (names: string[]) => names.filter(n => hostOf(held, n) && hostOf(next, n));
    if (!same(stay(old.hosts), stay(hosts))) unsupported.push(`association ${id}: its targets changed`);
    const changed = [
      ...(a.documentName !== old.association.documentName ? ['document'] : []),
      ...(!same(comparableSteps(a.steps), comparableSteps(old.association.steps)) ? ['parameters or assets'] : []),
      ...(a.maxConcurrency !== old.association.maxConcurrency || a.maxErrors !== old.association.maxErrors ? ['rate controls'] : []),
    ];
    if (changed.length > 0) {
      const { maxConcurrency, maxErrors } = a;
      reruns.push({ logicalId: id, documentName: a.documentName, hosts: stay(hosts), maxConcurrency, maxErrors, changed });
    }
  }
  for (const id of before.keys()) if (!after.has(id)) unsupported.push(`association ${id}: it is gone from the template`);
  return reruns;
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

function hostOf(t: Topology, name: string): Host | undefined {
  return t.hosts.find(h => h.name === name);
}

/** Deep equality of JSON data (key order aside). */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v);
}
