import { ApacheUwsgiWebServer } from '@nlb-tiers/apache-uwsgi-web-server';
import { FlaskUwsgiAppFleet } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier } from '@nlb-tiers/internal-nlb-tier';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Ports that once passed validation and failed when deployed, and their neighbours: below 1024
 * uWSGI needs CAP_NET_BIND_SERVICE; on 3031 mod_proxy_uwsgi drops the port from its URL.
 */
export const UPSTREAM_PORTS = [80, 443, 1023, 1024, 3031, 65535];
/** The web server's port for each upstream port: the default 80, and one other. */
export const HTTP_PORTS: Record<number, number> = { 80: 80, 443: 80, 1023: 80, 1024: 8080, 3031: 80, 65535: 80 };

/**
 * One stack with a whole tier for each upstream port (`Port<port>Tier`, `Port<port>Fleet`,
 * `Port<port>Web`), which the local deploy's end-to-end tests bring up at once and request
 * through every web server. One app server per fleet keeps the deployment small.
 */
export class PortsStack extends Stack {
  constructor(scope: App, id: string) {
    super(scope, id);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    for (const port of UPSTREAM_PORTS) {
      const tier = new InternalNlbTier(this, `Port${port}Tier`, { vpc, port });
      new FlaskUwsgiAppFleet(this, `Port${port}Fleet`, { vpc, loadBalancer: tier, minCapacity: 1, maxCapacity: 1, desiredCapacity: 1 });
      new ApacheUwsgiWebServer(this, `Port${port}Web`, { vpc, upstream: tier, httpPort: HTTP_PORTS[port] });
    }
  }
}

const app = new App();
new PortsStack(app, 'NlbTiersPorts');
app.synth();
