import { IConstruct } from 'constructs';

/**
 * The type of the cloud assembly metadata entry in which an nlb-tiers construct records its
 * library's name and version (`{ fqn, version }`), so that a tool reading the assembly (the local
 * deploy) can tell which version of the constructs synthesized it.
 */
export const CONSTRUCT_VERSION_METADATA = 'nlb-tiers:construct-version';

/** The runtime type information jsii compiles into every class of a library: its fqn and version. */
const JSII_RTTI = Symbol.for('jsii.rtti');

/**
 * Records the fqn and version of the library class `type` (the class whose constructor calls
 * this, also when a user's subclass is instantiated) in the assembly's metadata of `construct`'s path.
 *
 * Both come from the runtime type information jsii compiles into the class itself (not inherited
 * from `Construct`), so they are the published package's own. A class not compiled by jsii (the
 * sources run by ts-jest) has none and records nothing.
 */
export function recordConstructVersion(construct: IConstruct, type: object): void {
  if (!Object.prototype.hasOwnProperty.call(type, JSII_RTTI)) return;
  const rtti = (type as unknown as Record<symbol, { fqn?: unknown; version?: unknown }>)[JSII_RTTI];
  if (typeof rtti.fqn !== 'string' || typeof rtti.version !== 'string') return;
  construct.node.addMetadata(CONSTRUCT_VERSION_METADATA, { fqn: rtti.fqn, version: rtti.version });
}
