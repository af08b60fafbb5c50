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
  /**
   * Host names that each reach the whole upstream on their own path, for example the DNS name of
   * each of an NLB's zonal nodes (`<availability zone>.<load balancer DNS name>`). A web server
   * spreads requests over them and retries a refused connection on a fresh one through another.
   *
   * @default - `upstreamHost` alone
   * @see https://aws.amazon.com/blogs/networking-and-content-delivery/resolve-dns-names-of-network-load-balancer-nodes-to-limit-cross-zone-traffic/
   */
  readonly upstreamZonalHosts?: string[];
}
