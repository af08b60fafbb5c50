import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InternalNlbTier, InternalNlbTierProps } from '../src';

function synth(props: Partial<InternalNlbTierProps> = {}) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const tier = new InternalNlbTier(stack, 'Tier', { vpc, ...props });
  return { stack, tier, template: Template.fromStack(stack) };
}

/**
 * Checks the dimensions every target-group metric of the tier has: the target group's full name,
 * and the load balancer's, which aws-cdk-lib cuts out of the listener's ARN.
 */
function expectTargetGroupDimensions(stack: Stack, tier: InternalNlbTier, dims: Record<string, unknown>) {
  expect(Object.keys(dims).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
  expect(stack.resolve(dims.TargetGroup)).toEqual(stack.resolve(tier.targetGroup.targetGroupFullName));
  expect(JSON.stringify(stack.resolve(dims.LoadBalancer))).toContain(JSON.stringify(stack.resolve(tier.listener.listenerArn)));
}

describe('InternalNlbTier metrics', () => {
  test.each<[string, string, string, (t: InternalNlbTier) => cloudwatch.Metric]>([
    ['metricHealthyHostCount', 'HealthyHostCount', 'Minimum', t => t.metricHealthyHostCount()],
    ['metricUnHealthyHostCount', 'UnHealthyHostCount', 'Maximum', t => t.metricUnHealthyHostCount()],
    ['metricTcpTargetResetCount', 'TCP_Target_Reset_Count', 'Sum', t => t.metricTcpTargetResetCount()],
  ])('%s is AWS/NetworkELB %s (%s) by load balancer and target group, per minute', (_, metricName, statistic, get) => {
    const { stack, tier } = synth();

    const metric = get(tier);
    expect([metric.namespace, metric.metricName, metric.statistic, metric.period.toSeconds()]).toEqual(['AWS/NetworkELB', metricName, statistic, 60]);
    expectTargetGroupDimensions(stack, tier, metric.dimensions!);
  });

  test('takes metric options', () => {
    const { tier } = synth();

    expect(tier.metricHealthyHostCount({ period: Duration.minutes(5), statistic: 'Average' })).toMatchObject({ statistic: 'Average' });
    expect(tier.metricHealthyHostCount({ period: Duration.minutes(5) }).period.toMinutes()).toBe(5);
  });
});

describe('InternalNlbTier alarms', () => {
  test('alarms when a target is unhealthy for 2 minutes: twice the 2 x 5 s its health checks need, at least 2', () => {
    const { stack, tier, template } = synth();

    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    const props = Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(props).toMatchObject({
      Namespace: 'AWS/NetworkELB',
      MetricName: 'UnHealthyHostCount',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expectTargetGroupDimensions(stack, tier, Object.fromEntries(props.Dimensions.map((d: any) => [d.Name, d.Value])));
    expect(props.AlarmActions).toBeUndefined();
  });

  test('a slower health check makes a longer alarm: 3 x 30 s, twice, is 3 minutes', () => {
    const { template } = synth({ unhealthyThresholdCount: 3, healthCheckInterval: Duration.seconds(30) });

    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  test('adds the alarm actions', () => {
    const action: cloudwatch.IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:ops' }) };
    const { template } = synth({ alarmActions: [action] });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:ops'] });
  });
});
