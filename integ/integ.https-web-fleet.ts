/**
 * The production web tier: an ApacheUwsgiWebFleet of two Apache servers in two zones behind an
 * internet-facing Application Load Balancer that terminates HTTPS with an ACM certificate and
 * redirects HTTP to HTTPS, in front of the reference architecture's internal NLB and app fleet.
 *
 * The certificate is validated by DNS in a hosted zone that the account must own: give its id and
 * name with NLB_TIERS_INTEG_ZONE_ID and NLB_TIERS_INTEG_ZONE_NAME when deploying to AWS. Without
 * them the test names `example.com` (reserved for examples, RFC 2606), which synthesizes and
 * deploys locally, where a local CA issues the certificate, but whose certificate AWS never issues.
 */
import { IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Stack } from 'aws-cdk-lib';
import { integApp } from './support/app';
import { DEFAULT_APP_ANSWER_PATTERN, DistinctBodiesProbe, RedirectProbe, expectHealthyTargets, expectHttpGet } from './support/assertions';
import { HttpsWebFleetStack } from '../packages/example-app/src/https-web-fleet-stack';

/** The default desired capacity of FlaskUwsgiAppFleet and of ApacheUwsgiWebFleet. */
const DEFAULT_DESIRED_CAPACITY = 2;
const ZONE_NAME = process.env.NLB_TIERS_INTEG_ZONE_NAME ?? 'example.com';
const ZONE_ID = process.env.NLB_TIERS_INTEG_ZONE_ID ?? 'Z0000000000000EXAMPLE';
const DOMAIN_NAME = `nlb-tiers-integ.${ZONE_NAME}`;

const app = integApp();
// The access logs' bucket policy names the principal of the region's load balancers.
const stack = new HttpsWebFleetStack(app, 'NlbTiersIntegHttpsWebFleet', {
  env: { region: 'us-east-1' },
  zone: { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME },
  domainName: DOMAIN_NAME,
});
const assertionStack = new Stack(app, 'NlbTiersIntegHttpsWebFleetAssertions', { env: { region: 'us-east-1' } });

const integ = new IntegTest(app, 'HttpsWebFleet', {
  testCases: [stack],
  assertionStack,
  stackUpdateWorkflow: false,
});

// 1. Both web servers are registered and pass the load balancer's HTTP health checks.
const healthyWebServers = expectHealthyTargets(integ.assertions, stack.web.targetGroup, DEFAULT_DESIRED_CAPACITY);

// 2. The HTTPS URL answers with an app instance's id, through the load balancer, Apache, the NLB and uWSGI.
const https = expectHttpGet(integ.assertions, stack.web.url, Match.stringLikeRegexp(DEFAULT_APP_ANSWER_PATTERN));

// 3. Repeated HTTPS requests reach both app instances.
const balanced = new DistinctBodiesProbe(assertionStack, 'DistinctBodiesProbe', stack.web.url).expectDistinctBodies(integ.assertions, {
  count: 20,
  timeoutMs: 5000,
  minDistinct: DEFAULT_DESIRED_CAPACITY,
  bodyPattern: DEFAULT_APP_ANSWER_PATTERN,
});

// 4. Plain HTTP answers a permanent redirect to the HTTPS URL. The listener's redirect names port
// 443; whether the Location keeps ':443' is not documented, and either form reaches the same listener.
const redirect = new RedirectProbe(assertionStack, 'RedirectProbe', `http://${DOMAIN_NAME}/`)
  .expectRedirect(integ.assertions, 301, Match.stringLikeRegexp(`^https://${DOMAIN_NAME.replace(/\./g, '\\.')}(:443)?/$`));

healthyWebServers.next(https).next(balanced).next(redirect);

app.synth();
