import { RequestPathDashboard, UwsgiEndpoint } from '@nlb-tiers/core';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApacheUwsgiWebFleet, ApacheUwsgiWebFleetProps } from '../src';

function synth(props: (stack: Stack) => Partial<ApacheUwsgiWebFleetProps> = () => ({}), withDashboard = false) {
  const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const upstream = new UwsgiEndpoint({ host: 'app.internal.example', port: 9090, securityGroups: [new ec2.SecurityGroup(stack, 'Up', { vpc })] });
  const fleet = new ApacheUwsgiWebFleet(stack, 'Web', { vpc, upstream, ...props(stack) });
  if (withDashboard) new RequestPathDashboard(stack, 'Dashboard', { tiers: [fleet] });
  return { stack, fleet, template: Template.fromStack(stack) };
}

function alarm(template: Template, idPrefix: string) {
  const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0][1].Properties;
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((construct.node.defaultChild as any).logicalId);
}

describe('ApacheUwsgiWebFleet logs, metrics and alarms', () => {
  test('ships httpd\'s access and error logs and the provisioning output of every server, one stream per instance', () => {
    const { stack, fleet, template } = synth();

    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    const commands: unknown[] = Object.values(template.findResources('AWS::SSM::Association'))[0].Properties.Parameters.commands;
    const heredoc = commands.indexOf('cat > "$nlbt_cwagent_new" <<\'NLB_TIERS_CLOUDWATCH_AGENT_CONFIG\'');
    // The configuration line, with each group's name (a Ref) written as its logical id.
    const parts: unknown[] = (commands[heredoc + 1] as any)['Fn::Join'][1];
    const config = JSON.parse(parts.map(p => typeof p === 'string' ? p : (p as any).Ref).join(''));
    expect(config.logs.logs_collected.files.collect_list).toEqual([
      ['AccessLog', '/var/log/httpd/access_log'], ['ErrorLog', '/var/log/httpd/error_log'], ['ProvisioningLog', '/var/log/nlb-tiers/provisioning.log'],
    ].map(([id, file]) => ({ file_path: file, log_group_name: logicalId(stack, fleet.logs.logGroup(id)), log_stream_name: '{instance_id}' })));
    // The instances may write to the groups before the association's first run.
    const [, association] = Object.entries(template.findResources('AWS::SSM::Association'))[0];
    expect(association.DependsOn).toEqual(expect.arrayContaining(Object.keys(template.findResources('AWS::IAM::Policy'))));
  });

  test('the group collects GroupInServiceInstances', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances'] }],
    });
  });

  test('raises the 5xx alarm from the load balancer\'s counts of the target group, which exclude health checks', () => {
    const { stack, fleet, template } = synth();

    const props = alarm(template, 'WebHttp5xxAlarm');
    expect(props).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, TreatMissingData: 'notBreaching' });
    expect(props.AlarmDescription).toMatch(/^More than 5% of the web servers' responses through the load balancer were 5xx/);
    const [expression, ...inputs] = props.Metrics;
    expect(expression).toMatchObject({ Expression: '100 * http5xx / MAX([requests, 1])', ReturnData: true });
    expect(inputs.map((m: any) => [m.Id, m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName, m.MetricStat.Period, m.MetricStat.Stat]))
      .toEqual([
        ['http5xx', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 60, 'Sum'],
        ['requests', 'AWS/ApplicationELB', 'RequestCount', 60, 'Sum'],
      ]);
    const dimensions = inputs[0].MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort();
    expect(dimensions).toEqual(['LoadBalancer', 'TargetGroup']);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(stack.resolve(fleet.metricRequestCount().dimensions)).toEqual(stack.resolve(fleet.targetGroup.metrics.requestCount().dimensions));
  });

  test('raises the CPU alarm on the group\'s average CPU above 80% for 3 five-minute periods', () => {
    const { stack, fleet, template } = synth();

    const props = alarm(template, 'WebCpuAlarm');
    expect(props).toMatchObject({
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: logicalId(stack, fleet.autoScalingGroup) } }],
      Statistic: 'Average',
      Period: 300,
      Threshold: 80,
      EvaluationPeriods: 3,
    });
    expect(props.AlarmDescription).toMatch(/^The web servers' average CPU was above 80%/);
  });

  test('adds the alarm actions to every alarm, and fills a row of a request path dashboard', () => {
    const { fleet, template } = synth(s => ({ alarmActions: [new cloudwatchActions.SnsAction(new sns.Topic(s, 'Topic'))] }), true);

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] }]);
    const widgets = fleet.requestPathWidgets();
    expect(widgets.map(w => w.constructor.name)).toEqual(['GraphWidget', 'AlarmWidget', 'AlarmWidget']);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Web fleet: 5xx responses (%)');
  });
});
