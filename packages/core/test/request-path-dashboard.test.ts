import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IRequestPathTier, RequestPathDashboard } from '../src';

/** A tier whose row is one text widget. */
const tier = (text: string): IRequestPathTier => ({ requestPathWidgets: () => [new cloudwatch.TextWidget({ markdown: text, width: 24 })] });

describe('RequestPathDashboard', () => {
  test('has one row per tier, in the order of the request path', () => {
    const stack = new Stack(new App(), 'Stack');

    new RequestPathDashboard(stack, 'Dashboard', { tiers: [tier('web'), tier('nlb'), tier('app')], dashboardName: 'request-path' });

    const template = Template.fromStack(stack);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardName).toBe('request-path');
    const body = JSON.parse(dashboard.Properties.DashboardBody);
    // A text widget is 2 high: each row starts below the one before.
    expect(body.widgets.map((w: any) => [w.properties.markdown, w.y])).toEqual([['web', 0], ['nlb', 2], ['app', 4]]);
  });

  test('fails without a tier, and creates nothing', () => {
    const stack = new Stack(new App(), 'Stack');

    expect(() => new RequestPathDashboard(stack, 'Dashboard', { tiers: [] }))
      .toThrow("RequestPathDashboard at 'Stack/Dashboard': invalid tiers: got '[]', expected at least one tier of the request path");
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});
