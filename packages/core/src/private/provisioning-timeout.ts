import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MAX_SIGNAL_TIMEOUT } from './resource-signal';
import { invalidProp, validateDuration } from './validation';

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

/** The timeouts of a server's provisioning. */
export interface ProvisioningTimeouts {
  /**
   * How long CloudFormation waits for the association to succeed, and for the instances' resource
   * signals (the `Timeout` of the CreationPolicy): the time from launch to serving.
   */
  readonly wait: Duration;
  /** The timeout of the document's run on an instance, in seconds: `wait` minus {@link BOOT_ALLOWANCE}. */
  readonly runSeconds: number;
}

/**
 * Checks a server construct's `provisioningTimeout` (10 minutes to 12 hours, the longest wait for
 * resource signals a CreationPolicy accepts) and derives the run's own timeout from it.
 */
export function resolveProvisioningTimeouts(scope: IConstruct, construct: string, timeout: Duration | undefined): ProvisioningTimeouts {
  const wait = timeout ?? DEFAULT_PROVISIONING_TIMEOUT;
  if (wait.isUnresolved()) {
    // CloudFormation cannot subtract: a run timeout derived from a deploy-time value could outlast the wait.
    invalidProp(scope, construct, 'provisioningTimeout', 'a value known only at deploy time',
      'a duration known at synthesis: the run\'s own timeout, 5 minutes shorter, is derived from it');
  }
  validateDuration(scope, construct, 'provisioningTimeout', wait, 'seconds', 600, MAX_SIGNAL_TIMEOUT.toSeconds());
  return { wait, runSeconds: wait.toSeconds() - BOOT_ALLOWANCE.toSeconds() };
}
