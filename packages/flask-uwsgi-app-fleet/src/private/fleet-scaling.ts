import { invalidProp, validateDuration } from '@nlb-tiers/core/helpers-internal';
import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FleetCpuScalingProps } from '../fleet-cpu-scaling-props';

export { FleetCpuScalingProps };

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
  validateDuration(scope, name, 'estimatedInstanceWarmup', props.estimatedInstanceWarmup, 'seconds', 0, 3600);
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min >= max) {
    invalidProp(scope, name, 'minCapacity/maxCapacity', `${min}/${max}`,
      'a fleet whose maxCapacity is above its minCapacity: with equal capacities the policy could never add or remove an instance');
  }
}
