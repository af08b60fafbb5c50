import * as ec2 from 'aws-cdk-lib/aws-ec2';

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
