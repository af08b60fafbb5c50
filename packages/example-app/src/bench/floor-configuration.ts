import { ApacheUwsgiWebServer } from '@nlb-tiers/apache-uwsgi-web-server';
import { ProvisioningLogBucket, ServerRole, UwsgiEndpoint } from '@nlb-tiers/core';
import { FlaskUwsgiAppFleet } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier } from '@nlb-tiers/internal-nlb-tier';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * The floor of the benchmark: the constructs' default app behind Apache and uWSGI on one host, with
 * no load-balancer hop, so the benchmark can show what the defaults (B) spend per request beyond the
 * least this stack needs.
 *
 * It is built from the same constructs with their defaults, so it runs what they render rather than
 * a copy: the web server proxies to a `UwsgiEndpoint` on 127.0.0.1 (its own provisioning script and
 * httpd configuration, for one upstream host), and the fleet's provisioning association (its playbook,
 * `uwsgi.ini`, app and systemd unit) targets the web server's instance instead of the fleet's Auto
 * Scaling group, which runs no instances. The fleet needs a load balancer for its target group and
 * security group; the tier exists for that alone and no request passes through it. Both servers share
 * one instance role, so the one instance holds the grants of both (the playbook, both log prefixes).
 */
export class FloorConfigurationStack extends Stack {
  public readonly webServer: ApacheUwsgiWebServer;
  public readonly fleet: FlaskUwsgiAppFleet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Public subnets for the web server; private ones, in the two zones the tier requires, for the fleet.
    const vpc = new ec2.Vpc(this, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const logBucket = new ProvisioningLogBucket(this, 'ProvisioningLogs').bucket;
    const role = new ServerRole(this, 'Role').role;
    const tier = new InternalNlbTier(this, 'AppTier', { vpc });
    this.fleet = new FlaskUwsgiAppFleet(this, 'AppFleet', { vpc, loadBalancer: tier, logBucket, role, minCapacity: 0, desiredCapacity: 0, maxCapacity: 1 });
    this.webServer = new ApacheUwsgiWebServer(this, 'WebServer', {
      vpc,
      logBucket,
      role,
      // An address that never changes, as an NLB node's in its zone: httpd resolves it once and may
      // keep its connections, as B's web server does with the NLB's zonal names.
      upstream: new UwsgiEndpoint({ host: '127.0.0.1', port: this.fleet.port, zonalHosts: ['127.0.0.1'] }),
    });
    // The web server's own tag, not its instance id: the instance completes only once httpd answers
    // through uWSGI, which this association installs, so it must not wait for the instance.
    this.fleet.provisioning.association.targets = this.webServer.provisioning.association.targets;

    new CfnOutput(this, 'WebUrl', { value: this.webServer.url, description: 'The web server\'s URL' });
  }
}
