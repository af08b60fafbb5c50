import { TemplateResource } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { UnsupportedFeatureError } from '../errors';
import { SignalPolicy } from './topology';
import { UnsupportedResources } from './unsupported';

/** The resources whose CreationPolicy can wait for signals from instances. */
const SIGNALLED_TYPES = ['AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup'];

/**
 * The CreationPolicy `ResourceSignal` of each instance and Auto Scaling group: `Count` (default 1)
 * and `Timeout` (an ISO 8601 duration, default PT5M, at most PT12H).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
 */
export function mapSignalPolicies(resources: Record<string, TemplateResource>, resolver: IntrinsicResolver, unsupported: UnsupportedResources,
  hostsOf: (logicalId: string) => string[], desiredCapacity?: number): SignalPolicy[] {
  const policies: SignalPolicy[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const signal = r.CreationPolicy?.ResourceSignal;
    if (!signal || !SIGNALLED_TYPES.includes(r.Type)) continue;
    const policy = unsupported.guard(id, () => {
      const count = Number(resolver.resolve(signal.Count ?? 1));
      if (!Number.isInteger(count) || count < 0) throw new UnsupportedFeatureError(`CreationPolicy ResourceSignal Count ${JSON.stringify(signal.Count)}: expected a whole number`);
      const timeoutSeconds = isoDurationSeconds(resolver.resolveString(signal.Timeout ?? 'PT5M'));
      // A group run with another capacity counts signals as if synthesized with it.
      const expected = r.Type === 'AWS::AutoScaling::AutoScalingGroup' && desiredCapacity !== undefined ? desiredCapacity : count;
      return { logicalId: id, count: expected, timeoutSeconds, hosts: hostsOf(id) };
    });
    if (policy) policies.push(policy);
  }
  return policies;
}

/** The seconds of an ISO 8601 duration of the form CloudFormation takes: `PT#H#M#S`, at most 12 hours. */
export function isoDurationSeconds(value: string, what = 'CreationPolicy ResourceSignal Timeout', maxHours = 12): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
  if (!m || value === 'PT') throw new UnsupportedFeatureError(`${what} "${value}": expected an ISO 8601 duration such as PT15M or PT1H30M`);
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (seconds > maxHours * 3600) throw new UnsupportedFeatureError(`${what} "${value}": at most PT${maxHours}H`);
  return seconds;
}
