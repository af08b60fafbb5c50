import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

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
