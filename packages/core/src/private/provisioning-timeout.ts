import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validateDuration } from './validation';

/**
 * The default `provisioningTimeout` of every server construct.
 *
 * A first provisioning installs packages and compiles uWSGI with pip on a t4g.micro, which takes
 * minutes (the article this architecture comes from reports 5-10); a CloudFormation wait that ends
 * first fails the stack and rolls it back.
 */
export const DEFAULT_PROVISIONING_TIMEOUT = Duration.minutes(40);

/**
 * What an instance gets to boot and register with Systems Manager before its run starts: the run's
 * own timeout is the rest of the wait, so a run that times out fails the association (and the
 * deployment) with its own output, before CloudFormation stops waiting.
 */
export const BOOT_ALLOWANCE = Duration.minutes(5);

/** The two timeouts of a provisioning association. */
export interface ProvisioningTimeouts {
  /** How long CloudFormation waits for the association to succeed. */
  readonly wait: Duration;
  /** The timeout of the document's run on an instance, in seconds: `wait` minus {@link BOOT_ALLOWANCE}. */
  readonly runSeconds: number;
}

/**
 * Checks a server construct's `provisioningTimeout` (10 minutes to 48 hours, the longest wait
 * CloudFormation accepts) and derives the run's own timeout from it.
 */
export function resolveProvisioningTimeouts(scope: IConstruct, construct: string, timeout: Duration | undefined): ProvisioningTimeouts {
  const wait = timeout ?? DEFAULT_PROVISIONING_TIMEOUT;
  validateDuration(scope, construct, 'provisioningTimeout', wait, 'seconds', 600, 172800);
  const waitSeconds = wait.isUnresolved() ? DEFAULT_PROVISIONING_TIMEOUT.toSeconds() : wait.toSeconds();
  return { wait, runSeconds: waitSeconds - BOOT_ALLOWANCE.toSeconds() };
}
