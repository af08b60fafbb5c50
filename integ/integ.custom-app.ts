/**
 * The reference architecture with non-default props on every construct: uwsgi on port 9191, three
 * app instances, other health-check thresholds and interval, a web server on port 8080, and a
 * Flask app of the user's (`custom-app/greeter`) in place of the default one.
 */
import * as path from 'path';
import { IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { FlaskApplication } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { Duration, Stack } from 'aws-cdk-lib';
import { integApp } from './support/app';
import { INSTANCE_ID_PATTERN, expectHealthyTargets, expectHttpGet } from './support/assertions';
import { ReferenceArchitectureStack } from '../packages/example-app/src/reference-architecture-stack';

const APP_INSTANCES = 3;

const app = integApp();
const stack = new ReferenceArchitectureStack(app, 'NlbTiersIntegCustomApp', {
  tier: {
    port: 9191,
    healthyThresholdCount: 3,
    unhealthyThresholdCount: 4,
    healthCheckInterval: Duration.seconds(15),
    deregistrationDelay: Duration.seconds(30),
  },
  fleet: {
    minCapacity: APP_INSTANCES,
    maxCapacity: APP_INSTANCES,
    desiredCapacity: APP_INSTANCES,
    processes: 4,
    threads: 1,
    application: FlaskApplication.fromDirectory(path.join(__dirname, 'custom-app'), { module: 'greeter.wsgi', callable: 'application' }),
  },
  webServer: {
    httpPort: 8080,
    proxyConnectTimeout: Duration.seconds(3),
    proxyTimeout: Duration.seconds(30),
  },
});
const assertionStack = new Stack(app, 'NlbTiersIntegCustomAppAssertions');

const integ = new IntegTest(app, 'CustomApp', {
  testCases: [stack],
  assertionStack,
  // The architecture takes minutes to provision: deploy the change only, not the snapshot first.
  stackUpdateWorkflow: false,
});

// 1. All three instances are registered and healthy on the custom port and health check.
const healthyTargets = expectHealthyTargets(integ.assertions, stack.tier.targetGroup, APP_INSTANCES);

// 2. The web server on port 8080 answers with the greeter's JSON, not the default app's bare id.
const greeting = expectHttpGet(integ.assertions, stack.webServer.url, {
  app: 'nlb-tiers-greeter',
  greeting: 'Hello from a custom Flask app',
  instanceId: Match.stringLikeRegexp(INSTANCE_ID_PATTERN),
});

healthyTargets.next(greeting);

app.synth();
