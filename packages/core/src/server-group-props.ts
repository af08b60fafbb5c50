import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';

/** Props of the nlb-tiers constructs that run their servers in an Auto Scaling group behind a load balancer. */
export interface ServerGroupProps {
  /**
   * The fewest instances.
   *
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * The most instances.
   *
   * @default 2
   */
  readonly maxCapacity?: number;
  /**
   * The instances to run.
   *
   * @default 2
   */
  readonly desiredCapacity?: number;
  /**
   * How CloudFormation replaces the instances when the launch template changes (a new image, a
   * new instance type).
   *
   * @default - a rolling update, one instance at a time, keeping the others in service; after
   * each replacement it waits for the new instance's signal that it serves (`WaitOnResourceSignals`)
   * for `provisioningTimeout`, at most one hour (the longest `PauseTime`), and a FAILURE signal
   * or none in time rolls the update back
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html
   */
  readonly updatePolicy?: autoscaling.UpdatePolicy;
}
