import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { MyStack } from '../my-stack';

const app = new App();
const stack = new MyStack(app, 'MyStackInteg');
const integ = new IntegTest(app, 'MyStackTest', { testCases: [stack] });

// The web server answers with my app's greeting through the load balancer.
integ.assertions.httpApiCall(stack.url)
  .expect(ExpectedResult.objectLike({ status: 200, body: 'Hello from my app' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(10) });

app.synth();
