import { createTierAlarm, BASIC_MONITORING_PERIOD } from '@nlb-tiers/core/helpers-internal';
import { Annotations, Errors, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

/** For how many one-minute periods in a row the fleet's capacity alarms must see too few instances. */
export const CAPACITY_ALARM_MINUTES = 3;
/** The CPU utilization that raises the fleet's alarm, and for how many five-minute periods. */
export const FLEET_CPU_ALARM = { thresholdPercent: 80, periods: 3 };

/**
 * The metrics of the fleet's target group, or `undefined` when its load balancer is not known
 * when the fleet is created (aws-cdk-lib then throws a ValidationError): a target group imported
 * without `loadBalancerArns`, or one that no listener uses yet. The fleet then has no healthy-host
 * alarm, and says so in an info message; the load balancer's own construct has the metric.
 */
export function targetGroupMetrics(scope: Construct, targetGroup: elbv2.INetworkTargetGroup): elbv2.INetworkTargetGroupMetrics | undefined {
  try {
    return targetGroup.metrics;
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    Annotations.of(scope).addInfo('The fleet\'s target group has no known load balancer yet (a listener, or loadBalancerArns when imported): '
      + 'the fleet has no healthy-host alarm; the load balancer\'s construct has the metric.');
    return undefined;
  }
}

/** What the fleet's alarms watch, and the capacity they are derived from. */
export interface FleetAlarmInputs {
  readonly minCapacity: number;
  readonly inService: cloudwatch.IMetric;
  readonly healthyHosts?: cloudwatch.IMetric;
  readonly cpu: cloudwatch.IMetric;
  readonly actions?: cloudwatch.IAlarmAction[];
}

/**
 * The fleet's alarms: fewer instances in service, or fewer healthy targets, than `minCapacity`
 * (the fewest the group keeps, whatever scaling does) for three minutes in a row; CPU above 80%.
 * A rolling update takes one instance out at a time, which these alarms report as well: the fleet
 * then serves with less capacity than its minimum.
 */
export function createFleetAlarms(scope: Construct, inputs: FleetAlarmInputs) {
  const min = inputs.minCapacity;
  const tooFew = (what: string) => `Fewer ${what} than the fleet's minCapacity (${Token.isUnresolved(min) ? 'a deploy-time value' : min}) `
    + `for ${CAPACITY_ALARM_MINUTES} minutes in a row.`;
  return {
    inServiceInstances: createTierAlarm(scope, 'InServiceInstancesAlarm', {
      metric: inputs.inService,
      threshold: min,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: CAPACITY_ALARM_MINUTES,
      // The group sends the metric every minute once its collection is on: no data is a fault.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: tooFew('instances in service'),
    }, inputs.actions),
    healthyHosts: inputs.healthyHosts && createTierAlarm(scope, 'HealthyHostsAlarm', {
      metric: inputs.healthyHosts,
      threshold: min,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: CAPACITY_ALARM_MINUTES,
      // Elastic Load Balancing reports a metric only while traffic flows: a quiet minute is no fault.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: tooFew('healthy targets in the load balancer\'s target group'),
    }, inputs.actions),
    cpu: createTierAlarm(scope, 'CpuAlarm', {
      metric: inputs.cpu,
      threshold: FLEET_CPU_ALARM.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: FLEET_CPU_ALARM.periods,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description: `The fleet's average CPU was above ${FLEET_CPU_ALARM.thresholdPercent}% for ${FLEET_CPU_ALARM.periods} periods of `
        + `${BASIC_MONITORING_PERIOD.toMinutes()} minutes: more instances (maxCapacity, scaleOnCpuUtilization) or a larger instance type are due.`,
    }, inputs.actions),
  };
}

