import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ssm from 'aws-cdk-lib/aws-ssm';

/**
 * The instances an association provisions.
 *
 * Each form matches only the instances of one construct, also when the same construct is
 * used several times in one account and region.
 */
export abstract class ProvisioningTargets {
  /** Exactly these instances. */
  public static instances(...instances: ec2.IInstance[]): ProvisioningTargets {
    return new class extends ProvisioningTargets {
      public readonly targets = [{ key: 'InstanceIds', values: instances.map(i => i.instanceId) }];
    }();
  }

  /**
   * Every instance of an Auto Scaling group, including those it launches later.
   *
   * Targets the `aws:autoscaling:groupName` tag, which Auto Scaling puts on each instance.
   *
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html
   */
  public static autoScalingGroup(group: autoscaling.IAutoScalingGroup): ProvisioningTargets {
    return new class extends ProvisioningTargets {
      public readonly targets = [{ key: 'tag:aws:autoscaling:groupName', values: [group.autoScalingGroupName] }];
    }();
  }

  /**
   * Every instance that carries a tag, including instances launched later.
   *
   * A tag whose value is known at synthesis keeps the association independent of the resources
   * that create the instances. An association that refers to an Auto Scaling group or an instance
   * (a `Ref` in its targets) is created only after it, and a group or instance with a
   * CreationPolicy is complete only once its instances have signalled, which they do at the end
   * of this association's run: a deadlock until the creation timeout.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-about.html
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html
   */
  public static tag(key: string, value: string): ProvisioningTargets {
    return new class extends ProvisioningTargets {
      public readonly targets = [{ key: `tag:${key}`, values: [value] }];
    }();
  }

  /** The `Targets` of the association. */
  public abstract readonly targets: ssm.CfnAssociation.TargetProperty[];
}
