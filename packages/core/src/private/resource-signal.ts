import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { renderTemplate } from './template';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/**
 * The longest `Timeout` of a CreationPolicy's `ResourceSignal`: "The maximum time that can be
 * specified for this property is 12 hours (PT12H)".
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
 */
export const MAX_SIGNAL_TIMEOUT = Duration.hours(12);

/** Where a provisioning run sends its resource signal. */
export interface ResourceSignalTarget {
  /** The stack's name or id (a token such as `Aws.STACK_NAME`, or an SSM parameter reference). */
  readonly stack: string;
  /** The logical id of the resource with the CreationPolicy. */
  readonly resource: string;
  /** The stack's region. */
  readonly region: string;
}

/**
 * Renders the lines a provisioning script sources right after `set -euo pipefail`: they install
 * cfn-signal where the image lacks it, and signal the resource when the script exits, SUCCESS on
 * status 0, FAILURE with the failed command otherwise.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html
 */
export function renderSignalOnExit(target: ResourceSignalTarget): string {
  return renderTemplate(path.join(ASSETS, 'signal-on-exit.sh'), {
    stack: target.stack,
    resource: target.resource,
    region: target.region,
  }).trimEnd();
}
