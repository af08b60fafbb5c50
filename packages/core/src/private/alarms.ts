import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** One alarm of a tier: what it watches and when it fires. */
export interface TierAlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What the alarm means, in words, with the numbers it was derived from. */
  readonly description: string;
}

/** Creates a tier's alarm and adds the tier's alarm actions to it. */
export function createTierAlarm(scope: Construct, id: string, spec: TierAlarmSpec, actions: cloudwatch.IAlarmAction[] = []): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: spec.metric,
    threshold: spec.threshold,
    comparisonOperator: spec.comparisonOperator,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.evaluationPeriods,
    treatMissingData: spec.treatMissingData,
    alarmDescription: spec.description,
  });
  if (actions.length > 0) alarm.addAlarmAction(...actions);
  return alarm;
}

/**
 * The period of an EC2 instance's own metrics: five minutes with basic monitoring, which the
 * nlb-tiers servers use (detailed monitoring is billed per instance).
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html
 */
export const BASIC_MONITORING_PERIOD = Duration.minutes(5);

/** `AWS/EC2` `CPUUtilization` by the given dimension, averaged over the basic monitoring period. */
export function ec2CpuUtilizationMetric(dimensionsMap: Record<string, string>, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensionsMap,
    statistic: cloudwatch.Stats.AVERAGE,
    period: BASIC_MONITORING_PERIOD,
    ...props,
  });
}
/**
 * The period of Elastic Load Balancing's and the metric filters' metrics: one minute.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
 */
export const ONE_MINUTE = Duration.minutes(1);
