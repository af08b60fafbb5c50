import { RequestPathDashboard } from '@nlb-tiers/core';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReferenceArchitectureStack } from '../src/reference-architecture-stack';

describe('a dashboard of the reference architecture\'s request path', () => {
  test('shows the web server, the load balancer and the app fleet, in that order, with their alarms', () => {
    const stack = new ReferenceArchitectureStack(new App(), 'Reference');

    new RequestPathDashboard(stack, 'Dashboard', { tiers: [stack.webServer, stack.tier, stack.fleet] });

    const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.parse((stack.resolve(dashboard.Properties.DashboardBody)['Fn::Join'][1] as unknown[])
      .map(p => typeof p === 'string' ? p : 'TOKEN').join(''));
    const rows = new Map<number, string[]>();
    for (const w of body.widgets) rows.set(w.y, [...(rows.get(w.y) ?? []), w.properties.title]);
    expect([...rows.entries()].sort(([a], [b]) => a - b).map(([, titles]) => titles)).toEqual([
      ['Web server: requests and 5xx responses', 'Web server: 5xx responses (%)', 'Web server: CPU (%)'],
      ['Load balancer: healthy targets', 'Load balancer: unhealthy targets', 'Load balancer: resets sent by targets'],
      ['App fleet: instances in service', 'App fleet: healthy targets', 'App fleet: CPU (%)'],
    ]);
    // Each alarm widget shows its tier's alarm.
    const alarms = body.widgets.filter((w: any) => w.properties.annotations?.alarms).length;
    expect(alarms).toBe(6);
  });
});
