import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { invalidProp } from './private/validation';

/** A tier of the request path that can show itself on a dashboard. */
export interface IRequestPathTier {
  /** The dashboard widgets of the tier: one row, from left to right. */
  requestPathWidgets(): cloudwatch.IWidget[];
}

/** Properties of a {@link RequestPathDashboard}. */
export interface RequestPathDashboardProps {
  /**
   * The tiers a request goes through, in that order: for example the web server, the internal
   * load balancer and the app fleet. Each is one row of the dashboard.
   */
  readonly tiers: IRequestPathTier[];
  /**
   * The dashboard's name.
   *
   * @default - a name is generated
   */
  readonly dashboardName?: string;
}

/**
 * A CloudWatch dashboard of the request path, end to end: one row per tier, in the order a
 * request goes through them (the web server's requests, 5xx responses and CPU; the load
 * balancer's healthy and unhealthy targets and their resets; the fleet's instances in service
 * and CPU).
 */
export class RequestPathDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RequestPathDashboardProps) {
    super(scope, id);
    if (props.tiers.length === 0) {
      invalidProp(this, 'RequestPathDashboard', 'tiers', '[]', 'at least one tier of the request path');
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      widgets: props.tiers.map(tier => tier.requestPathWidgets()),
    });
  }
}
