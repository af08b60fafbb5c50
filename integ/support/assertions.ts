import * as fs from 'fs';
import * as path from 'path';
import { ExpectedResult, IApiCall, IDeployAssert, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** An EC2 instance id, all of an answer. */
export const INSTANCE_ID_PATTERN = '^i-[0-9a-f]{8,17}$';
/** What the default app answers: its instance's id and its version, 1 unless given. */
export const DEFAULT_APP_ANSWER_PATTERN = '^i-[0-9a-f]{8,17} version 1$';

/** How long an assertion retries before it fails, and how often. */
export interface AssertionWait {
  readonly totalTimeout: Duration;
  readonly interval: Duration;
}

/**
 * How long the first assertion waits for the fleet: as long as CloudFormation may wait for
 * provisioning (the constructs' default `provisioningTimeout`). CloudFormation's wait on an
 * association is a best effort (it may end before an instance registered with Systems Manager),
 * so these assertions, not the deployment's success, prove that provisioning finished.
 */
export const FIRST_PROVISIONING_WAIT: AssertionWait = { totalTimeout: Duration.minutes(40), interval: Duration.seconds(30) };

/**
 * The target group reports exactly `count` targets, all `healthy`.
 *
 * A literal array inside `objectLike` is matched element by element, so a missing, extra or
 * unhealthy target fails the assertion until the wait ends.
 */
export function expectHealthyTargets(assertions: IDeployAssert, targetGroup: elbv2.ITargetGroup, count: number,
  wait: AssertionWait = FIRST_PROVISIONING_WAIT): IApiCall {
  return assertions.awsApiCall('ElasticLoadBalancingV2', 'describeTargetHealth', { TargetGroupArn: targetGroup.targetGroupArn })
    .expect(ExpectedResult.objectLike({
      TargetHealthDescriptions: Array.from({ length: count }, () => ({ TargetHealth: { State: 'healthy' } })),
    }))
    .waitForAssertions(wait);
}

/** An HTTP GET of `url` answers 200 with a body that matches `body` (a JSON body is parsed first). */
export function expectHttpGet(assertions: IDeployAssert, url: string, body: unknown,
  wait: AssertionWait = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(15) }): IApiCall {
  return assertions.httpApiCall(url)
    .expect(ExpectedResult.objectLike({ status: 200, body }))
    .waitForAssertions(wait);
}

/** Options of {@link DistinctBodiesProbe.expectDistinctBodies}. */
export interface DistinctBodiesOptions {
  /** How many requests to send, one after the other (1-30). */
  readonly count: number;
  /** The timeout of each request, in milliseconds (100-5000). */
  readonly timeoutMs: number;
  /** The fewest distinct bodies that must come back. */
  readonly minDistinct: number;
  /** A regular expression every distinct body counted towards `minDistinct` matches. */
  readonly bodyPattern: string;
}

/**
 * A function that calls a URL several times and returns the distinct bodies of its 200 answers:
 * with an app that answers its instance id, the number of instances the requests reached.
 *
 * Its code is `distinct-bodies-handler.js`, inlined in the template. The URL, which is only known
 * at deploy time, is its `TARGET_URL` environment variable: integ-tests-alpha encodes an
 * `invokeFunction` payload once more, which a token inside the payload would break. The count and
 * the timeout come from the event.
 */
export class DistinctBodiesProbe extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, url: string) {
    super(scope, id);
    // 30 requests of at most 5 seconds each, and some margin.
    this.function = urlProbeFunction(this, 'distinct-bodies-handler.js', url, Duration.minutes(3),
      'Calls a URL several times and returns the distinct bodies of its 200 answers');
  }

  /**
   * Every one of `count` requests to `url` answers 200, and at least `minDistinct` distinct
   * bodies match `bodyPattern`.
   */
  public expectDistinctBodies(assertions: IDeployAssert, options: DistinctBodiesOptions,
    wait: AssertionWait = { totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) }): IApiCall {
    const payload = JSON.stringify({ count: options.count, timeoutMs: options.timeoutMs });
    return assertions.invokeFunction({ functionName: this.function.functionName, payload })
      .expect(ExpectedResult.objectLike({
        StatusCode: 200,
        Payload: Match.serializedJson(Match.objectLike({
          requests: options.count,
          ok: options.count,
          // arrayWith matches each pattern against a different element: at least minDistinct of them.
          distinctBodies: Match.arrayWith(Array.from({ length: options.minDistinct }, () => Match.stringLikeRegexp(options.bodyPattern))),
        })),
      }))
      .waitForAssertions(wait);
  }
}

/**
 * A function whose code is a handler file of this folder, inlined in the template, that calls
 * `url`: its `TARGET_URL` environment variable (integ-tests-alpha encodes an `invokeFunction`
 * payload once more, which a token inside the payload would break).
 */
function urlProbeFunction(scope: Construct, handlerFile: string, url: string, timeout: Duration, description: string): lambda.Function {
  return new lambda.Function(scope, 'Function', {
    environment: { TARGET_URL: url },
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(fs.readFileSync(path.join(__dirname, handlerFile), 'utf-8')),
    timeout,
    description,
  });
}

/**
 * A function that sends one GET to a URL without following redirects and returns the status and
 * the `Location` header (`redirect-probe-handler.js`): integ-tests-alpha's `httpApiCall` follows
 * redirects, so it cannot tell a redirect from the page it leads to.
 */
export class RedirectProbe extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, url: string) {
    super(scope, id);
    this.function = urlProbeFunction(this, 'redirect-probe-handler.js', url, Duration.seconds(30),
      'Sends one GET to a URL without following redirects and returns the status and Location');
  }

  /** The URL answers `status` with a `Location` that matches `location`. */
  public expectRedirect(assertions: IDeployAssert, status: number, location: unknown,
    wait: AssertionWait = { totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) }): IApiCall {
    return assertions.invokeFunction({ functionName: this.function.functionName, payload: JSON.stringify({ timeoutMs: 5000 }) })
      .expect(ExpectedResult.objectLike({
        StatusCode: 200,
        Payload: Match.serializedJson(Match.objectLike({ status, location })),
      }))
      .waitForAssertions(wait);
  }
}
