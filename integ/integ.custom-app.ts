/**
 * The reference architecture with non-default props on every construct: uwsgi on port 9191, three
 * app instances, other health-check thresholds and interval, a web server on port 8080, and a
 * Flask app of the user's (`custom-app/greeter`) in place of the default one, with a plain
 * environment variable and two secrets: an SSM SecureString parameter and a field of a Secrets
 * Manager secret, which the app receives and shows only the SHA-256 of (`/config`).
 *
 * The parameter and the secret are not part of the test: store them before a run on AWS, with the
 * values of `secret-values.json` (which the local run's `--secret-values` reads):
 *   aws ssm put-parameter --type SecureString --name /nlb-tiers/integ/greeter-api-key --value <value>
 *   aws secretsmanager create-secret --name nlb-tiers/integ/greeter --secret-string '<value>'
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { AppSecret, FlaskApplication } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { integApp } from './support/app';
import { INSTANCE_ID_PATTERN, expectHealthyTargets, expectHttpGet } from './support/assertions';
import { ReferenceArchitectureStack } from '../packages/example-app/src/reference-architecture-stack';

const APP_INSTANCES = 3;

const API_KEY_PARAMETER = '/nlb-tiers/integ/greeter-api-key';
const TOKEN_SECRET = 'nlb-tiers/integ/greeter';
/** The values the parameter and the secret hold for this test: only their hashes go into the assertion. */
const stored = JSON.parse(fs.readFileSync(path.join(__dirname, 'secret-values.json'), 'utf-8'));
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const app = integApp();
// The parameter and the secret exist outside both stacks: the assertion stack only names them.
const assertionStack = new Stack(app, 'NlbTiersIntegCustomAppAssertions');
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
    environment: { GREETING: 'Hello from the environment' },
    secrets: {
      GREETER_API_KEY: AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(assertionStack, 'ApiKey', { parameterName: API_KEY_PARAMETER })),
      GREETER_TOKEN: AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(assertionStack, 'Token', TOKEN_SECRET), 'token'),
    },
  },
  webServer: {
    httpPort: 8080,
    proxyConnectTimeout: Duration.seconds(3),
    proxyTimeout: Duration.seconds(30),
  },
});
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

// 3. The app received its plain value and both secrets (their hashes: the values are shown nowhere).
const config = expectHttpGet(integ.assertions, `${stack.webServer.url}/config`, {
  greeting: 'Hello from the environment',
  apiKeySha256: sha256(stored.ssmParameters[API_KEY_PARAMETER]),
  tokenSha256: sha256(JSON.parse(stored.secrets[TOKEN_SECRET]).token),
});

healthyTargets.next(greeting).next(config);

app.synth();
