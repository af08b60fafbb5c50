import { Duration, Tags, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { tagForProvisioning } from './provisioning-tag';
import { ProvisioningTimeouts } from './provisioning-timeout';
import { ResolvedServerImage } from './server-image';
import { validateCapacities } from './validation';
import { ProvisionedServerProps } from '../provisioned-server-props';
import { ProvisioningTargets } from '../provisioning-targets';
import { ServerGroupProps } from '../server-group-props';

/**
 * The longest `PauseTime` of a rolling update that waits on resource signals: "The maximum amount
 * of time that can be specified for the pause time is one hour (PT1H)".
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html
 */
export const MAX_ROLLING_PAUSE = Duration.hours(1);

/** The root volume of every server: 8 GiB, encrypted. */
export const ENCRYPTED_ROOT_VOLUME: ec2.BlockDevice = { deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) };

/** The capacities of a server construct's Auto Scaling group, checked, with their defaults applied. */
export interface Capacities {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity: number;
}

/** Checks the capacity props of a server construct and applies their defaults (2 each). */
export function resolveCapacities(scope: IConstruct, construct: string, props: ServerGroupProps): Capacities {
  const capacities = { minCapacity: props.minCapacity ?? 2, maxCapacity: props.maxCapacity ?? 2, desiredCapacity: props.desiredCapacity ?? 2 };
  validateCapacities(scope, construct, capacities.minCapacity, capacities.desiredCapacity, capacities.maxCapacity);
  return capacities;
}

/** What a server construct's Auto Scaling group is made of, besides its props, checked. */
export interface ProvisionedGroupOptions {
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The selected subnets: the group launches only once their default routes exist. */
  readonly subnets: ec2.SelectedSubnets;
  readonly image: ResolvedServerImage;
  readonly role: iam.IRole;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly capacities: Capacities;
  readonly timeouts: ProvisioningTimeouts;
  /** The value of the tag that names the servers' role, `props.serverTagValue` or the construct's default. */
  readonly serverTagValue: string;
}

/** A server construct's Auto Scaling group, and the targets of its provisioning association. */
export interface ProvisionedGroup {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly targets: ProvisioningTargets;
  /** The logical id of the group, which the instances' provisioning runs signal. */
  readonly groupResource: autoscaling.CfnAutoScalingGroup;
}

/**
 * Creates the Auto Scaling group of a server construct whose instances sit behind a load balancer
 * and are provisioned by a tag-targeted association that signals the group: a launch template that
 * requires IMDSv2 and encrypts the root volume; ELB health checks with the provisioning time as
 * grace period; a CreationPolicy that waits for every instance's signal; a rolling update that
 * waits for each new instance's.
 */
export function createProvisionedGroup(scope: Construct, props: ProvisionedServerProps & ServerGroupProps,
  options: ProvisionedGroupOptions): ProvisionedGroup {
  const { timeouts } = options;
  const { desiredCapacity, maxCapacity } = options.capacities;
  const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    instanceType: options.image.instanceType,
    machineImage: options.image.machineImage,
    role: options.role,
    securityGroup: options.securityGroup,
    requireImdsv2: true,
    blockDevices: [ENCRYPTED_ROOT_VOLUME],
  });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(scope, 'Resource', {
    vpc: props.vpc,
    vpcSubnets: options.vpcSubnets,
    launchTemplate,
    ...options.capacities,
    // GroupInServiceInstances is sent only while the group's metrics collection is on.
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
    groupMetrics: [new autoscaling.GroupMetrics(autoscaling.GroupMetric.IN_SERVICE_INSTANCES)],
    // Under the ELB health check type, Auto Scaling also replaces an InService instance whose
    // target the load balancer reports unhealthy (a server that died for good, not only a dead
    // host), once the grace period since the instance entered InService has passed. Without a
    // launch lifecycle hook the instance is InService while it still provisions: the grace period
    // is the time it has from launch to serving, the CreationPolicy's timeout, so a run that is
    // still within its time is never cut short. Traffic needs no hold: a load balancer routes to a
    // newly registered target only once it passes its health checks. A hook holding instances in
    // Pending:Wait would add a completion call (and its IAM permission) to every run, and must be
    // declared on the group itself to hold its first instances (aws-cdk#16356), for nothing that
    // the signals and the target health do not give already.
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-add-elb-healthcheck.html
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: timeouts.wait,
    }),
    // The group is complete once every instance it launches (DesiredCapacity of them, the count
    // CloudFormation's own example waits for) signalled that it serves, within provisioningTimeout.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
    signals: autoscaling.Signals.waitForAll({ timeout: timeouts.wait }),
    updatePolicy: props.updatePolicy ?? autoscaling.UpdatePolicy.rollingUpdate({
      maxBatchSize: 1,
      // CloudFormation requires fewer instances in service than the group's maximum.
      minInstancesInService: Token.isUnresolved(desiredCapacity) || Token.isUnresolved(maxCapacity)
        ? undefined : Math.max(0, Math.min(desiredCapacity, maxCapacity - 1)),
      // With the group's signals, aws-cdk-lib sets WaitOnResourceSignals: the pause is how long a
      // new instance gets to signal, at most PT1H for a rolling update.
      waitOnResourceSignals: true,
      pauseTime: timeouts.wait.toSeconds() > MAX_ROLLING_PAUSE.toSeconds() ? MAX_ROLLING_PAUSE : timeouts.wait,
    }),
  });
  // Instances provision themselves over the internet as soon as they boot: launch them only once
  // their subnets' default routes exist. Imported subnets carry no dependency (their routes exist
  // already); subnets built from L1 resources in the same stack need one added by hand.
  autoScalingGroup.node.addDependency(options.subnets.internetConnectivityEstablished);
  Tags.of(autoScalingGroup).add(props.serverTagKey ?? 'Server', options.serverTagValue, { applyToLaunchedInstances: true });
  // The association finds the instances by a tag known at synthesis, not by the group's name: it
  // must not wait for the group, which waits for the signals the association's runs send.
  const targets = tagForProvisioning(scope, autoScalingGroup);
  Validations.of(autoScalingGroup).acknowledge({
    id: 'AwsSolutions-AS3',
    reason: 'Launch and termination notifications are left to the user: the tier\'s alarms (healthy hosts, in-service '
      + 'instances, with alarmActions) report what an operator acts on, and notifications can be added to autoScalingGroup '
      + 'where someone subscribes to them.',
  });
  return {
    autoScalingGroup,
    launchTemplate,
    targets,
    groupResource: autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup,
  };
}
