import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/**
 * An endpoint that speaks the uwsgi protocol over TCP, for a web server to proxy to.
 *
 * Its `connections` are those of whatever receives the traffic (for an internal NLB, the load
 * balancer's security group), so a client can open the port to itself.
 */
export interface IUwsgiUpstream extends ec2.IConnectable {
  /** The host name (or address) clients connect to, for example the NLB's DNS name. */
  readonly upstreamHost: string;
  /** The TCP port clients connect to. */
  readonly upstreamPort: number;
}

/**
 * A target group that uwsgi app servers register with, and the load balancer that sends to it.
 *
 * Its `connections` are those of the load balancer: app servers admit their port from them.
 */
export interface IUwsgiTargetGroup extends ec2.IConnectable {
  /** The target group that app servers register with. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The port the app servers receive uwsgi traffic on. */
  readonly targetPort: number;
}

/** Properties of a {@link UwsgiEndpoint}. */
export interface UwsgiEndpointProps {
  /** The host name (or address) the endpoint answers on. */
  readonly host: string;
  /** The TCP port the endpoint answers on. */
  readonly port: number;
  /**
   * The security groups of whatever receives the traffic.
   *
   * @default - none: the endpoint's firewall is managed elsewhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A uwsgi endpoint that is not one of the nlb-tiers constructs, for example an existing
 * load balancer's listener, so that a web server can proxy to it.
 */
export class UwsgiEndpoint implements IUwsgiUpstream {
  public readonly upstreamHost: string;
  public readonly upstreamPort: number;
  public readonly connections: ec2.Connections;

  constructor(props: UwsgiEndpointProps) {
    this.upstreamHost = props.host;
    this.upstreamPort = props.port;
    this.connections = new ec2.Connections({
      securityGroups: props.securityGroups,
      defaultPort: ec2.Port.tcp(props.port),
    });
  }
}

/** Properties of an {@link ExistingUwsgiTargetGroup}. */
export interface ExistingUwsgiTargetGroupProps {
  /** A network target group whose targets receive uwsgi traffic. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The port of the target group. */
  readonly targetPort: number;
  /** The security groups of the load balancer that sends to the target group. */
  readonly loadBalancerSecurityGroups: ec2.ISecurityGroup[];
}

/**
 * A target group of a load balancer that already exists, so that an app fleet can sit
 * behind it.
 */
export class ExistingUwsgiTargetGroup implements IUwsgiTargetGroup {
  public readonly targetGroup: elbv2.INetworkTargetGroup;
  public readonly targetPort: number;
  public readonly connections: ec2.Connections;

  constructor(props: ExistingUwsgiTargetGroupProps) {
    this.targetGroup = props.targetGroup;
    this.targetPort = props.targetPort;
    this.connections = new ec2.Connections({ securityGroups: props.loadBalancerSecurityGroups });
  }
}
