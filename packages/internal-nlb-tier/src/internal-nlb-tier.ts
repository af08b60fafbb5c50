import { IRequestPathTier, IUwsgiTargetGroup, IUwsgiUpstream, TierAlarmOptions } from '@nlb-tiers/core';
import {
  invalidProp, ONE_MINUTE, recordConstructVersion, selectSubnets, validateDuration, validateElbName, validateInteger, validatePort,
} from '@nlb-tiers/core/helpers-internal';
import { Duration, Fn, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { createUnhealthyHostsAlarm, unhealthyAlarmMinutes } from './private/tier-monitoring';

/** Properties of an {@link InternalNlbTier}. */
export interface InternalNlbTierProps extends TierAlarmOptions {
  /** The VPC of the load balancer and its targets. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the load balancer's nodes are placed: subnets in at least two Availability Zones.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The TCP port of the listener and of the targets, on which uwsgi traffic flows.
   *
   * @default 9090
   */
  readonly port?: number;
  /**
   * Consecutive successful TCP health checks before a target is healthy (2-10).
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failed TCP health checks before a target is unhealthy (2-10).
   *
   * @default 2
   */
  readonly unhealthyThresholdCount?: number;
  /**
   * Time between TCP health checks of a target (5-300 seconds, known at synthesis).
   *
   * The shortest interval ELB accepts: with the thresholds of 2, a dead target is out of service
   * after about 10 seconds instead of 20, and a new one in service as fast. TCP checks cost the
   * targets one connection per interval from each load balancer node.
   *
   * @default Duration.seconds(5)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  readonly healthCheckInterval?: Duration;
  /**
   * How long a TCP health check waits for the connection before it counts as failed (2-120
   * seconds, known at synthesis), shorter than `healthCheckInterval`.
   *
   * Elastic Load Balancing rejects a timeout longer than the interval with "Health check interval
   * must be greater than the timeout". Whether it accepts the two equal for a Network Load
   * Balancer is not settled by any source (aws-cdk-lib lets equal values through), so an equal
   * value fails at synthesis here: a strictly shorter one deploys either way.
   *
   * @default - 10 seconds (ELB's default for TCP checks), or 1 second less than
   * `healthCheckInterval` when that is 10 seconds or less (4 seconds with the default interval of 5)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  readonly healthCheckTimeout?: Duration;
  /**
   * How long a deregistering (draining) target keeps its connections (0-3600 seconds). A draining
   * target gets no new connections; ELB completes the deregistration as soon as it has no active
   * connections, or when the delay is over, and only then does Auto Scaling terminate it.
   *
   * One minute, not ELB's five: a web server proxies each request on its own connection and
   * `ApacheUwsgiWebServer` gives up on a response after `proxyTimeout` (60 seconds by default), so
   * no connection outlives it, and scale-in and rolling updates wait four minutes less per instance.
   * Raise it with a longer proxy timeout.
   *
   * @default Duration.seconds(60)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay
   */
  readonly deregistrationDelay?: Duration;
  /**
   * Whether each load balancer node sends to targets in every Availability Zone.
   *
   * On by default: a client that keeps using one node's address (as Apache's proxy worker does)
   * would otherwise only ever reach the targets in that node's zone. Cross-zone traffic is billed.
   *
   * @default true
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#cross-zone-load-balancing
   */
  readonly crossZoneEnabled?: boolean;
  /**
   * Whether targets see the client's address as the source of packets. When false, they see the
   * load balancer's private address, so their firewall can admit the load balancer alone.
   *
   * @default false
   */
  readonly preserveClientIp?: boolean;
  /**
   * The load balancer's security group. It admits nothing until a client is allowed with
   * `connections.allowFrom()` or the client opens it to itself (as `ApacheUwsgiWebServer` does).
   *
   * @default - a new security group with no ingress and egress only to the targets
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * The load balancer's name.
   *
   * @default - a name is generated
   */
  readonly loadBalancerName?: string;
  /**
   * The target group's name.
   *
   * @default - a name is generated
   */
  readonly targetGroupName?: string;
}

/**
 * An internal Network Load Balancer in front of a uwsgi app tier.
 *
 * A TCP listener forwards to a TCP target group of instances, which are checked with TCP health
 * checks. The load balancer always has a security group, so targets can admit their port from
 * that group alone instead of from the load balancer's addresses.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
 */
export class InternalNlbTier extends Construct implements IUwsgiUpstream, IUwsgiTargetGroup, IRequestPathTier {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The TCP listener. */
  public readonly listener: elbv2.NetworkListener;
  /** The target group that app servers register with. */
  public readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The load balancer's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The load balancer's connections: allow clients from here. */
  public readonly connections: ec2.Connections;
  /** The load balancer's DNS name, which a web server proxies to. */
  public readonly upstreamHost: string;
  /** The listener's port. */
  public readonly upstreamPort: number;
  /**
   * The DNS name of the load balancer's node in each of its Availability Zones,
   * `<zone>.<load balancer DNS name>`: a web server fails over between them.
   *
   * @see https://aws.amazon.com/blogs/networking-and-content-delivery/resolve-dns-names-of-network-load-balancer-nodes-to-limit-cross-zone-traffic/
   */
  public readonly upstreamZonalHosts?: string[];
  /** The targets' port. */
  public readonly targetPort: number;
  /**
   * Raised when a target is unhealthy for twice the time the health checks need to take it out
   * (`unhealthyThresholdCount` x `healthCheckInterval`), at least 2 one-minute periods in a row.
   */
  public readonly unhealthyHostsAlarm: cloudwatch.Alarm;
  private readonly networkTargetGroup: elbv2.NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: InternalNlbTierProps) {
    super(scope, id);
    recordConstructVersion(this, InternalNlbTier);
    const port = props.port ?? 9090;
    const healthyThresholdCount = props.healthyThresholdCount ?? 2;
    const unhealthyThresholdCount = props.unhealthyThresholdCount ?? 2;
    const interval = props.healthCheckInterval ?? Duration.seconds(5);
    const deregistrationDelay = props.deregistrationDelay ?? Duration.seconds(60);
    const name = 'InternalNlbTier';
    validatePort(this, name, 'port', port);
    validateInteger(this, name, 'healthyThresholdCount', healthyThresholdCount, 2, 10);
    validateInteger(this, name, 'unhealthyThresholdCount', unhealthyThresholdCount, 2, 10);
    validateDuration(this, name, 'healthCheckInterval', interval, 'seconds', 5, 300);
    validateKnownAtSynthesis(this, name, 'healthCheckInterval', interval);
    const timeout = props.healthCheckTimeout ?? defaultHealthCheckTimeout(interval);
    validateDuration(this, name, 'healthCheckTimeout', timeout, 'seconds', 2, 120);
    validateKnownAtSynthesis(this, name, 'healthCheckTimeout', timeout);
    validateTimeoutBelowInterval(this, name, timeout, interval);
    validateDuration(this, name, 'deregistrationDelay', deregistrationDelay, 'seconds', 0, 3600);
    validateElbName(this, name, 'loadBalancerName', props.loadBalancerName, 'load balancer');
    validateElbName(this, name, 'targetGroupName', props.targetGroupName, 'target group');
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // An internal load balancer belongs in private subnets, in two zones so one zone can fail.
    const subnets = selectSubnets(this, name, props.vpc, vpcSubnets, 'private', 2);

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internal NLB of a uwsgi app tier',
      // Egress is opened to the targets' port when a fleet admits this group.
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets,
      internetFacing: false,
      crossZoneEnabled: props.crossZoneEnabled ?? true,
      loadBalancerName: props.loadBalancerName,
      securityGroups: [this.securityGroup],
    });

    const targetGroup = new elbv2.NetworkTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.INSTANCE,
      targetGroupName: props.targetGroupName,
      preserveClientIp: props.preserveClientIp ?? false,
      deregistrationDelay,
      healthCheck: {
        enabled: true,
        protocol: elbv2.Protocol.TCP,
        port: 'traffic-port',
        healthyThresholdCount,
        unhealthyThresholdCount,
        interval,
        // Always written: left out, ELB would apply its 10-second default whatever the interval.
        timeout,
      },
    });

    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'A Network Load Balancer writes access logs for TLS listeners only; this one forwards plain TCP.',
    });

    this.listener = this.loadBalancer.addListener('Listener', {
      port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [targetGroup],
    });

    this.targetGroup = targetGroup;
    this.networkTargetGroup = targetGroup;
    this.unhealthyHostsAlarm = createUnhealthyHostsAlarm(this, this.metricUnHealthyHostCount(),
      unhealthyAlarmMinutes(unhealthyThresholdCount, interval), unhealthyThresholdCount, interval, props.alarmActions);
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(port) });
    this.upstreamHost = this.loadBalancer.loadBalancerDnsName;
    // One node per zone of the load balancer's subnets; each has its own DNS name and static address.
    this.upstreamZonalHosts = [...new Set(subnets.availabilityZones)].map(zone => Fn.join('.', [zone, this.upstreamHost]));
    this.upstreamPort = port;
    this.targetPort = port;
  }

  /** The load balancer's row of a `RequestPathDashboard`: healthy and unhealthy targets, the unhealthy alarm, target resets. */
  public requestPathWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.GraphWidget({ title: 'Load balancer: healthy targets', left: [this.metricHealthyHostCount()], width: 8 }),
      new cloudwatch.AlarmWidget({ title: 'Load balancer: unhealthy targets', alarm: this.unhealthyHostsAlarm, width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Load balancer: resets sent by targets', left: [this.metricTcpTargetResetCount()], width: 8 }),
    ];
  }

  /**
   * The healthy targets (`AWS/NetworkELB` `HealthyHostCount` by `LoadBalancer` and `TargetGroup`),
   * the fewest in each minute. Elastic Load Balancing reports its metrics only while traffic flows.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
   */
  public metricHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.networkTargetGroup.metrics.healthyHostCount({ statistic: cloudwatch.Stats.MINIMUM, period: ONE_MINUTE, ...props });
  }

  /**
   * The unhealthy targets (`AWS/NetworkELB` `UnHealthyHostCount` by `LoadBalancer` and
   * `TargetGroup`), the most in each minute.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
   */
  public metricUnHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.networkTargetGroup.metrics.unHealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE, ...props });
  }

  /**
   * The TCP resets the targets sent to clients (`AWS/NetworkELB` `TCP_Target_Reset_Count` by
   * `LoadBalancer` and `TargetGroup`), summed per minute: a dead app server's refused connections,
   * which the web server sends again. No alarm watches it: how many resets are normal depends on
   * the traffic, so AWS suggests anomaly detection rather than a fixed threshold for it.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
   * @see https://aws.amazon.com/blogs/networking-and-content-delivery/monitoring-load-balancers-using-amazon-cloudwatch-anomaly-detection-alarms/
   */
  public metricTcpTargetResetCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.networkTargetGroup.metrics.custom('TCP_Target_Reset_Count', { statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE, ...props });
  }
}

/** ELB's default timeout of a TCP health check, shortened below the interval when that is 10 seconds or less. */
function defaultHealthCheckTimeout(interval: Duration): Duration {
  return Duration.seconds(Math.min(10, interval.toSeconds({ integral: false }) - 1));
}

/**
 * Checks that a health-check duration is known at synthesis: aws-cdk-lib's target group checks
 * the interval and the timeout against each other and against ELB's ranges then, and fails on a
 * deploy-time value with a meaningless number.
 */
function validateKnownAtSynthesis(scope: Construct, construct: string, prop: string, value: Duration): void {
  if (value.isUnresolved()) {
    invalidProp(scope, construct, prop, 'a value known only at deploy time',
      'a duration known at synthesis: the timeout must be shorter than the interval, which is checked at synthesis');
  }
}

/**
 * Checks that a health check's timeout is shorter than its interval, as ELB's own error ("Health
 * check interval must be greater than the timeout") asks; equal values fail too, since no source
 * says an NLB accepts them.
 */
function validateTimeoutBelowInterval(scope: Construct, construct: string, timeout: Duration, interval: Duration): void {
  const intervalSeconds = interval.toSeconds();
  if (timeout.toSeconds() >= intervalSeconds) {
    invalidProp(scope, construct, 'healthCheckTimeout', `${timeout.toSeconds()} seconds`,
      `a timeout shorter than healthCheckInterval (${intervalSeconds} seconds), from 2 to ${Math.min(120, intervalSeconds - 1)} seconds: `
      + 'Elastic Load Balancing requires it ("Health check interval must be greater than the timeout")');
  }
}
