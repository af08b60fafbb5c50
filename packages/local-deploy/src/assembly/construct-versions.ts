import { StackArtifact } from './cloud-assembly';
import { TOOL_VERSION } from '../version';

/**
 * The metadata entry in which each nlb-tiers construct records its library's class and version
 * (`recordConstructVersion` of @nlb-tiers/core's internals): `{ fqn, version }`.
 */
export const CONSTRUCT_VERSION_METADATA = 'nlb-tiers:construct-version';

/** An nlb-tiers construct of a stack, and the version of the library that synthesized it. */
export interface ConstructVersion {
  /** The construct's path in the app. */
  readonly path: string;
  /** The library and class, e.g. `@nlb-tiers/internal-nlb-tier.InternalNlbTier`. */
  readonly fqn: string;
  readonly version: string;
}

/** The nlb-tiers constructs of a stack with their libraries' versions, from the assembly's metadata. */
export function constructVersions(stack: StackArtifact): ConstructVersion[] {
  return Object.entries(stack.metadata).flatMap(([path, entries]) => entries
    .filter(e => e.type === CONSTRUCT_VERSION_METADATA)
    .map(e => e.data as unknown as { fqn?: unknown; version?: unknown })
    .filter(d => typeof d?.fqn === 'string' && typeof d.version === 'string')
    .map(d => ({ path, fqn: d.fqn as string, version: d.version as string })));
}

/**
 * One warning per library whose version in the stack is not the one the tool was tested with
 * (its own: the libraries and the tool are released together). A mismatch does not stop the
 * tool: the template is what it runs, and a resource it cannot run is still reported as such.
 */
export function constructVersionWarnings(stack: StackArtifact, testedWith: string = TOOL_VERSION): string[] {
  const byLibrary = new Map<string, ConstructVersion[]>();
  for (const c of constructVersions(stack).filter(v => v.version !== testedWith)) {
    const key = `${c.fqn.split('.')[0]}@${c.version}`;
    byLibrary.set(key, [...(byLibrary.get(key) ?? []), c]);
  }
  return [...byLibrary.entries()].map(([key, constructs]) => {
    const [library, version] = [key.slice(0, key.lastIndexOf('@')), key.slice(key.lastIndexOf('@') + 1)];
    return `Warning: ${stack.stackName} was synthesized with ${library} ${version} (${constructs.map(c => c.path).join(', ')}), `
      + `but this nlb-tiers-local ${testedWith} was tested with the constructs at ${testedWith}. What changed between the two `
      + 'may be run differently or reported as unsupported; install the same version of both: '
      + `npm install -D @nlb-tiers/local-deploy@${version}`;
  });
}
