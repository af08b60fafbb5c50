import { App, Duration } from 'aws-cdk-lib';
import { ArticleConfigurationStack } from './article-configuration';
import { FloorConfigurationStack } from './floor-configuration';
import { HttpsWebFleetStack } from '../https-web-fleet-stack';
import { ReferenceArchitectureStack } from '../reference-architecture-stack';

// The configurations `npx projen bench` compares on the same local topology.
const app = new App();
/** A: the article's uWSGI, Apache and app settings and its health checks. */
new ArticleConfigurationStack(app, 'BenchArticle');
/** B: the constructs' defaults (the example app). */
new ReferenceArchitectureStack(app, 'BenchDefaults');
/** The floor: B's app behind Apache and uWSGI on one host, no load-balancer hop. */
new FloorConfigurationStack(app, 'BenchFloor');
/**
 * B's app tier behind the HTTPS web fleet. `example.com` is reserved for examples (RFC 2606): the
 * local deploy's CA issues its certificate.
 */
const site = {
  env: { region: 'us-east-1' },
  zone: { hostedZoneId: 'Z0000000000000EXAMPLE', zoneName: 'example.com' },
  domainName: 'bench.example.com',
};
new HttpsWebFleetStack(app, 'BenchHttps', site);
/** The same fleet with an HTTP listener only: what TLS costs is the HTTPS fleet's CPU beyond it. */
new HttpsWebFleetStack(app, 'BenchHttpFleet', { ...site, httpOnly: true });
/**
 * B with more app servers: how long a local deploy takes, and its CPU time, as the group grows.
 * All of them provision at once on the machine's cores, so their CreationPolicy gets 2 hours
 * (12 minutes at the bench's 0.1x): the default 40 minutes, 4 locally, is less than 32 playbooks
 * take on 2 cores.
 */
for (const appServers of [8, 32]) {
  new ReferenceArchitectureStack(app, `BenchScale${appServers}`, {
    fleet: { minCapacity: appServers, maxCapacity: appServers, desiredCapacity: appServers, provisioningTimeout: Duration.hours(2) },
  });
}
/** B with one app server more than its minimum: scaled in by one under load. */
new ReferenceArchitectureStack(app, 'BenchScaleIn', { fleet: { minCapacity: 2, maxCapacity: 3, desiredCapacity: 3 } });
app.synth();
