import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IUwsgiUpstream } from './uwsgi-upstream';

/** Properties of a {@link UwsgiEndpoint}. */
export interface UwsgiEndpointProps {
  /** The host name (or address) the endpoint answers on. */
  readonly host: string;
  /** The TCP port the endpoint answers on. */
  readonly port: number;
  /**
   * Host names that each reach the whole endpoint on their own path (an NLB's zonal DNS names).
   *
   * @default - `host` alone
   */
  readonly zonalHosts?: string[];
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
  public readonly upstreamZonalHosts?: string[];
  public readonly connections: ec2.Connections;

  constructor(props: UwsgiEndpointProps) {
    this.upstreamHost = props.host;
    this.upstreamPort = props.port;
    this.upstreamZonalHosts = props.zonalHosts;
    this.connections = new ec2.Connections({
      securityGroups: props.securityGroups,
      defaultPort: ec2.Port.tcp(props.port),
    });
  }
}
