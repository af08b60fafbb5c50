import { createTierAlarm } from '@nlb-tiers/core/helpers-internal';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/**
 * For how many one-minute periods a target must be unhealthy before the tier's alarm goes off:
 * twice the time the health checks need to take a target out (`unhealthyThresholdCount` x
 * `healthCheckInterval`), and at least two minutes. A target that stays unhealthy that long is
 * no blip: Auto Scaling's ELB health check should have replaced it by then.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
 */
export function unhealthyAlarmMinutes(unhealthyThresholdCount: number, interval: Duration): number {
  return Math.max(2, Math.ceil((2 * unhealthyThresholdCount * interval.toSeconds()) / 60));
}

/** The tier's alarm: any target unhealthy for `minutes` one-minute periods in a row. */
export function createUnhealthyHostsAlarm(scope: Construct, metric: cloudwatch.IMetric, minutes: number,
  unhealthyThresholdCount: number, interval: Duration, actions?: cloudwatch.IAlarmAction[]): cloudwatch.Alarm {
  return createTierAlarm(scope, 'UnhealthyHostsAlarm', {
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: minutes,
    // Elastic Load Balancing reports a metric only while traffic flows: a quiet minute is no fault.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description: `A target of the load balancer was unhealthy for ${minutes} minutes in a row (twice the `
      + `${unhealthyThresholdCount} x ${interval.toSeconds()} s the health checks need to take it out).`,
  }, actions);
}
