import { TemplateResource } from '../assembly/cloud-assembly';
import { ExitCode, LocalDeployError } from '../errors';

/** Why one resource waits for another before it is created or complete. */
type Reason = 'Ref' | 'Fn::GetAtt' | 'Fn::Sub' | 'DependsOn' | 'signals';

/** A resource waits for its instances' signals, which the runs of an association send: a deadlock when that association waits for it. */
export class SignalDeadlockError extends LocalDeployError {
  constructor(public readonly cycle: string[], describe: string) {
    super(`A signal deadlock: ${describe}. CloudFormation would wait until the CreationPolicy's timeout and roll the stack back. `
      + 'Target the instances by a tag whose value is known at synthesis, and let the association refer to nothing that waits for them.',
    ExitCode.DEPLOY_FAILED);
    this.name = 'SignalDeadlockError';
  }
}

/**
 * The order in which CloudFormation may create a stack's resources: a resource only after every
 * resource it refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub`) or names in `DependsOn` is complete, and a
 * resource whose CreationPolicy waits for signals is complete only after the associations that
 * provision its instances ran (any of them may be the one that signals). A cycle through such a
 * wait is a deadlock CloudFormation does not detect: it fails here, naming the cycle.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
 */
export function creationOrder(resources: Record<string, TemplateResource>, signalledBy: ReadonlyMap<string, string[]>): string[] {
  const waits = new Map<string, Map<string, Reason>>();
  for (const id of Object.keys(resources)) waits.set(id, references(resources, id));
  for (const [resource, associations] of signalledBy) {
    for (const association of associations) waits.get(resource)?.set(association, 'signals');
  }

  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new SignalDeadlockError(cycle, describeCycle(cycle, waits));
    }
    state.set(id, 'visiting');
    path.push(id);
    for (const next of waits.get(id)!.keys()) visit(next);
    path.pop();
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(resources)) visit(id);
  return order;
}

/** The resources one resource's definition refers to, with how (the first way found). */
function references(resources: Record<string, TemplateResource>, logicalId: string): Map<string, Reason> {
  const found = new Map<string, Reason>();
  const add = (id: string, reason: Reason) => {
    if (id in resources && id !== logicalId && !found.has(id)) found.set(id, reason);
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') add(inner, 'Ref');
      if (key === 'Fn::GetAtt') add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0], 'Fn::GetAtt');
      if (key === 'Fn::Sub') {
        for (const m of String(Array.isArray(inner) ? inner[0] : inner).matchAll(/\$\{([^}!.]+)[^}]*\}/g)) add(m[1], 'Fn::Sub');
      }
      walk(inner);
    }
  };
  const { DependsOn: dependsOn, ...definition } = resources[logicalId];
  for (const id of [dependsOn ?? []].flat()) add(id, 'DependsOn');
  walk(definition);
  return found;
}

function describeCycle(cycle: string[], waits: Map<string, Map<string, Reason>>): string {
  return cycle.slice(0, -1).map((from, i) => {
    const to = cycle[i + 1];
    const reason = waits.get(from)!.get(to)!;
    return reason === 'signals'
      ? `${from} waits for the signals of its instances, which the runs of ${to} send`
      : `${from} waits for ${to} (${reason === 'DependsOn' ? 'DependsOn' : `a ${reason} of it`})`;
  }).join(', and ');
}
