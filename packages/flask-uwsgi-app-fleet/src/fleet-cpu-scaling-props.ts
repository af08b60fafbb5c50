import { Duration } from 'aws-cdk-lib';

/** Properties of a fleet's CPU target tracking policy (`FlaskUwsgiAppFleet.scaleOnCpuUtilization`). */
export interface FleetCpuScalingProps {
  /** The average CPU utilization of the instances to keep, in percent (1-100). */
  readonly targetUtilizationPercent: number;
  /**
   * Whether the policy only adds instances (never removes any).
   *
   * @default false
   */
  readonly disableScaleIn?: boolean;
  /**
   * How long a new instance's CPU is left out of the group's average (0-3600 seconds). A first
   * provisioning installs packages and builds the app's environment, keeping the CPU busy for
   * minutes: counted, it would make the policy add instances for nothing.
   *
   * @default Duration.minutes(10)
   */
  readonly estimatedInstanceWarmup?: Duration;
}
