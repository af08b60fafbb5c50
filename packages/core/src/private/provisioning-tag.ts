import { Names, Stack, Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ProvisioningTargets } from '../provisioning-targets';

/** The key of the tag by which a server construct's association finds its own instances. */
export const PROVISIONING_TAG_KEY = 'nlb-tiers:provisioning';

/**
 * Tags the instances of `tagged` (an instance, or an Auto Scaling group, whose tag is put on every
 * instance it launches) with a value of the construct's own, known at synthesis, and returns the
 * targets of that tag.
 *
 * The value is the stack's name and the construct's unique path, so it matches only this
 * construct's instances, also when the same construct is used in several stacks of one account
 * and region; and it refers to no resource, so the association does not wait for the instances
 * it must provision before they can signal (see {@link ProvisioningTargets.tag}).
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html (PropagateAtLaunch)
 */
export function tagForProvisioning(owner: IConstruct, tagged: IConstruct): ProvisioningTargets {
  const value = `${Stack.of(owner).stackName}/${Names.uniqueResourceName(owner, { maxLength: 100 })}`;
  Tags.of(tagged).add(PROVISIONING_TAG_KEY, value, { applyToLaunchedInstances: true });
  return ProvisioningTargets.tag(PROVISIONING_TAG_KEY, value);
}
