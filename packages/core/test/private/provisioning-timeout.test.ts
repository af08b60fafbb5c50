import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { resolveProvisioningTimeouts } from '../../src/private/provisioning-timeout';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  return { stack, scope: new Construct(stack, 'Server') };
}

describe('resolveProvisioningTimeouts', () => {
  test('waits 40 minutes by default, and the run times out 5 minutes earlier', () => {
    const { scope } = fixture();

    const timeouts = resolveProvisioningTimeouts(scope, 'Server', undefined);

    expect(timeouts.wait.toMinutes()).toBe(40);
    expect(timeouts.runSeconds).toBe(2100);
  });

  test.each([
    [Duration.minutes(10), 300],
    [Duration.hours(1), 3300],
    [Duration.hours(12), 42900],
  ])('a wait of %s leaves the run 300 s less: %i s', (wait, runSeconds) => {
    const { scope } = fixture();

    const timeouts = resolveProvisioningTimeouts(scope, 'Server', wait);

    expect(timeouts.wait).toBe(wait);
    expect(timeouts.runSeconds).toBe(runSeconds);
  });

  // 12 hours: the longest Timeout of a CreationPolicy's ResourceSignal.
  test.each([
    [Duration.seconds(599), '599 seconds'],
    [Duration.seconds(43201), '43201 seconds'],
    [Duration.millis(600500), '600.5 seconds'],
  ])('fails on a wait of %s', (wait, shown) => {
    const { scope } = fixture();

    expect(() => resolveProvisioningTimeouts(scope, 'Server', wait))
      .toThrow(`Server at 'Stack/Server': invalid provisioningTimeout: got '${shown}', expected a whole number of seconds from 600 to 43200`);
  });

  test('fails on a wait known only at deploy time, from which no run timeout can be derived', () => {
    const { stack, scope } = fixture();
    const wait = Duration.seconds(new CfnParameter(stack, 'Wait', { type: 'Number' }).valueAsNumber);

    expect(() => resolveProvisioningTimeouts(scope, 'Server', wait))
      .toThrow("Server at 'Stack/Server': invalid provisioningTimeout: got 'a value known only at deploy time', expected a duration known at synthesis: the run's own timeout, 5 minutes shorter, is derived from it");
  });
});
