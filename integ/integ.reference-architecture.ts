/**
 * The reference architecture with default props: an Apache web server proxies to an internal
 * NLB in front of two Flask/uWSGI instances that answer with their instance id.
 */
import { IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Stack } from 'aws-cdk-lib';
import { integApp } from './support/app';
import { DEFAULT_APP_ANSWER_PATTERN, DistinctBodiesProbe, expectHealthyTargets, expectHttpGet } from './support/assertions';
import { ReferenceArchitectureStack } from '../packages/example-app/src/reference-architecture-stack';

/** The default desired capacity of FlaskUwsgiAppFleet. */
const DEFAULT_DESIRED_CAPACITY = 2;

const app = integApp();
const stack = new ReferenceArchitectureStack(app, 'NlbTiersIntegReferenceArchitecture');
const assertionStack = new Stack(app, 'NlbTiersIntegReferenceArchitectureAssertions');

const integ = new IntegTest(app, 'ReferenceArchitecture', {
  testCases: [stack],
  assertionStack,
  // The architecture takes minutes to provision: deploy the change only, not the snapshot first.
  stackUpdateWorkflow: false,
});

// 1. Every instance of the fleet is registered and healthy behind the NLB.
const healthyTargets = expectHealthyTargets(integ.assertions, stack.tier.targetGroup, DEFAULT_DESIRED_CAPACITY);

// 2. The web server's public URL answers with an instance id and the app's version, through Apache, the NLB and uWSGI.
const instanceId = expectHttpGet(integ.assertions, stack.webServer.url, Match.stringLikeRegexp(DEFAULT_APP_ANSWER_PATTERN));

// 3. Repeated requests are balanced over more than one instance.
const probe = new DistinctBodiesProbe(assertionStack, 'DistinctBodiesProbe', stack.webServer.url);
const balanced = probe.expectDistinctBodies(integ.assertions, {
  count: 20,
  timeoutMs: 5000,
  minDistinct: 2,
  bodyPattern: DEFAULT_APP_ANSWER_PATTERN,
});

healthyTargets.next(instanceId).next(balanced);

app.synth();
