/**
 * The programmatic API of @nlb-tiers/local-deploy: deploy a stack of a cloud assembly on this
 * Linux machine from a test, send requests to it, tear it down. The command line (`nlb-tiers-local`)
 * is the package's bin.
 */
export * from './api/local-deployment';
export { ExitCode, LocalDeployError } from './errors';
