import { Duration } from 'aws-cdk-lib';

/** Properties of a fleet's flow target tracking policy (`FlaskUwsgiAppFleet.scaleOnNewFlowCount`). */
export interface FleetFlowScalingProps {
  /**
   * The new flows (TCP connections) per instance in service and per minute to keep. Behind the
   * tiers' web servers every request is one flow, so this is requests per instance per minute.
   */
  readonly targetFlowsPerInstancePerMinute: number;
  /**
   * Whether the policy only adds instances (never removes any).
   *
   * @default false
   */
  readonly disableScaleIn?: boolean;
  /**
   * How long a new instance is left out of the policy's view (0-3600 seconds): until it is
   * provisioned and takes its share of the flows.
   *
   * @default Duration.minutes(10)
   */
  readonly estimatedInstanceWarmup?: Duration;
}
