import { ApacheUwsgiWebServer, ApacheUwsgiWebServerProps } from '@nlb-tiers/apache-uwsgi-web-server';
import { ProvisioningLogBucket } from '@nlb-tiers/core';
import { FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier, InternalNlbTierProps } from '@nlb-tiers/internal-nlb-tier';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Props of the three tiers that a variant of the reference architecture may change. */
export interface ReferenceArchitectureProps extends StackProps {
  readonly tier?: Omit<InternalNlbTierProps, 'vpc'>;
  readonly fleet?: Omit<FlaskUwsgiAppFleetProps, 'vpc' | 'loadBalancer' | 'logBucket'>;
  readonly webServer?: Omit<ApacheUwsgiWebServerProps, 'vpc' | 'upstream' | 'logBucket'>;
}

/**
 * The reference architecture's network: 10.0.0.0/16 over two AZs, a public and a private /24 in
 * each, one NAT gateway for installs, and flow logs.
 */
export function referenceVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
    ],
    // Rejected and accepted flows, for auditing the security-group chain web -> NLB -> app.
    flowLogs: { FlowLog: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
}

/**
 * The reference architecture: an Apache web server in a public subnet proxies uwsgi to an
 * internal NLB, which balances a Flask/uWSGI Auto Scaling group in the private subnets.
 */
export class ReferenceArchitectureStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly tier: InternalNlbTier;
  public readonly fleet: FlaskUwsgiAppFleet;
  public readonly webServer: ApacheUwsgiWebServer;

  constructor(scope: Construct, id: string, props: ReferenceArchitectureProps = {}) {
    super(scope, id, props);

    this.vpc = referenceVpc(this);

    const logBucket = new ProvisioningLogBucket(this, 'ProvisioningLogs').bucket;
    this.tier = new InternalNlbTier(this, 'AppTier', { ...props.tier, vpc: this.vpc });
    this.fleet = new FlaskUwsgiAppFleet(this, 'AppFleet', { ...props.fleet, vpc: this.vpc, loadBalancer: this.tier, logBucket });
    this.webServer = new ApacheUwsgiWebServer(this, 'WebServer', { ...props.webServer, vpc: this.vpc, upstream: this.tier, logBucket });

    new CfnOutput(this, 'WebUrl', { value: this.webServer.url, description: 'The web server\'s URL' });
  }
}
