import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IUwsgiTargetGroup } from './uwsgi-target-group';

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
