/**
 * The internals of @nlb-tiers/core that its sibling libraries share: prop validation, server
 * image and provisioning-timeout resolution, resource signals, template rendering and reading, and
 * cdk-nag acknowledgements; and the version each construct records in the assembly.
 *
 * Imported as `@nlb-tiers/core/helpers-internal` (an entry of the package's `exports`), never by a
 * file path. It is not public API: it changes with the siblings, which is why all nlb-tiers
 * libraries are released together at one version and depend on each other's exact version.
 */
export * from '../private/acknowledge';
export * from '../private/construct-version';
export * from '../private/provisioning-tag';
export * from '../private/provisioning-timeout';
export * from '../private/resource-signal';
export * from '../private/server-image';
export * from '../private/template';
export * from '../private/template-graph';
export * from '../private/validation';
export * from '../private/alarms';
export * from '../private/cloudwatch-agent';
