import { invalidProp, validateDuration } from '@nlb-tiers/core/helpers-internal';
import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { Construct } from 'constructs';
import { FleetCpuScalingProps } from '../fleet-cpu-scaling-props';
import { FleetFlowScalingProps } from '../fleet-flow-scaling-props';

export { FleetCpuScalingProps, FleetFlowScalingProps };

/**
 * Checks a CPU target tracking policy of a fleet: a target from 1 to 100 percent, a warmup from 0
 * to 3600 seconds, and a group that can scale at all (`minCapacity` below `maxCapacity`).
 */
export function validateCpuScaling(scope: Construct, min: number, max: number, props: FleetCpuScalingProps): void {
  const name = 'FlaskUwsgiAppFleet.scaleOnCpuUtilization';
  const target = props.targetUtilizationPercent;
  if (!Token.isUnresolved(target) && (!Number.isFinite(target) || target < 1 || target > 100)) {
    invalidProp(scope, name, 'targetUtilizationPercent', target, 'a percentage from 1 to 100');
  }
  validateTargetTracking(scope, name, min, max, props.estimatedInstanceWarmup);
}

/**
 * Checks a flow target tracking policy of a fleet: a positive whole number of flows per instance
 * and minute, a warmup from 0 to 3600 seconds, and a group that can scale at all.
 */
export function validateFlowScaling(scope: Construct, min: number, max: number, props: FleetFlowScalingProps): void {
  const name = 'FlaskUwsgiAppFleet.scaleOnNewFlowCount';
  const target = props.targetFlowsPerInstancePerMinute;
  if (!Token.isUnresolved(target) && (!Number.isInteger(target) || target < 1)) {
    invalidProp(scope, name, 'targetFlowsPerInstancePerMinute', target, 'a whole number of flows per instance and minute, 1 or more');
  }
  validateTargetTracking(scope, name, min, max, props.estimatedInstanceWarmup);
}

function validateTargetTracking(scope: Construct, name: string, min: number, max: number, warmup: Duration | undefined) {
  validateDuration(scope, name, 'estimatedInstanceWarmup', warmup, 'seconds', 0, 3600);
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min >= max) {
    invalidProp(scope, name, 'minCapacity/maxCapacity', `${min}/${max}`,
      'a fleet whose maxCapacity is above its minCapacity: with equal capacities the policy could never add or remove an instance');
  }
}

/**
 * The metric math a flow target tracking policy tracks: the load balancer's new flows in a minute
 * (`AWS/NetworkELB` `NewFlowCount`, Sum; published per load balancer and zone, not per target
 * group) over the group's instances in service (`GroupInServiceInstances`, Average).
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
 */
export function flowsPerInstanceQueries(loadBalancerFullName: string, autoScalingGroupName: string):
autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty[] {
  return [
    {
      id: 'flows',
      metricStat: {
        metric: { namespace: 'AWS/NetworkELB', metricName: 'NewFlowCount', dimensions: [{ name: 'LoadBalancer', value: loadBalancerFullName }] },
        stat: 'Sum',
      },
      returnData: false,
    },
    {
      id: 'instances',
      metricStat: {
        metric: { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: [{ name: 'AutoScalingGroupName', value: autoScalingGroupName }] },
        stat: 'Average',
      },
      returnData: false,
    },
    { id: 'flowsPerInstance', expression: 'flows / instances', label: 'New flows per instance in service', returnData: true },
  ];
}
