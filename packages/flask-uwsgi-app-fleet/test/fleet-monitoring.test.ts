import { ExistingUwsgiTargetGroup, IUwsgiTargetGroup } from '@nlb-tiers/core';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '../src';

/** A fleet behind a real NLB listener (`listened`), or behind a target group no listener uses. */
function synth(props: Partial<FlaskUwsgiAppFleetProps> = {}, listened = true) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const nlbGroup = new ec2.SecurityGroup(stack, 'NlbGroup', { vpc, allowAllOutbound: false });
  const targetGroup = new elbv2.NetworkTargetGroup(stack, 'Targets', { vpc, port: 9090, protocol: elbv2.Protocol.TCP });
  if (listened) {
    const nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, securityGroups: [nlbGroup] });
    nlb.addListener('Listener', { port: 9090, defaultTargetGroups: [targetGroup] });
  }
  const loadBalancer: IUwsgiTargetGroup = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 9090, loadBalancerSecurityGroups: [nlbGroup] });
  const fleet = new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, ...props });
  // Synthesized when first read: a test may add a scaling policy before.
  return { stack, fleet, get template() { return Template.fromStack(stack); } };
}

function alarm(template: Template, idPrefix: string) {
  const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0][1].Properties;
}

const groupRef = (stack: Stack, fleet: FlaskUwsgiAppFleet) => ({ Ref: stack.resolve((fleet.autoScalingGroup.node.defaultChild as any).logicalId) });
const groupId = (stack: Stack, fleet: FlaskUwsgiAppFleet, id: string) =>
  stack.resolve((fleet.logs.logGroup(id).node.defaultChild as logs.CfnLogGroup).logicalId);

describe('FlaskUwsgiAppFleet logs', () => {
  test('creates a log group for uWSGI\'s log (with the app\'s output) and for the provisioning output, kept 90 days', () => {
    const { template } = synth();

    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).map(id => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['FleetLogsProvisioningLog', 'FleetLogsUwsgiLog']);
    for (const group of Object.values(groups)) expect(group.Properties).toEqual({ RetentionInDays: 90 });
  });

  test('lets the instance role create streams, describe them and put events in its two log groups only', () => {
    const { stack, fleet, template } = synth({ logRetention: logs.RetentionDays.TWO_WEEKS });

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('logs:')))).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: ['UwsgiLog', 'ProvisioningLog'].map(id => ({ 'Fn::GetAtt': [groupId(stack, fleet, id), 'Arn'] })),
    }]);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  test('passes the agent configuration to the association: uWSGI\'s log and the provisioning output to their groups', () => {
    const { stack, fleet, template } = synth();

    const association = Object.values(template.findResources('AWS::SSM::Association'))[0];
    const [config] = association.Properties.Parameters.CloudWatchAgentConfig;
    const parts: unknown[] = config['Fn::Join'][1];
    expect(JSON.parse(parts.map(p => typeof p === 'string' ? p : (p as any).Ref).join(''))).toEqual({
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/nlb-tiers/uwsgi.log', log_group_name: groupId(stack, fleet, 'UwsgiLog'), log_stream_name: '{instance_id}' },
              { file_path: '/var/log/nlb-tiers/provisioning.log', log_group_name: groupId(stack, fleet, 'ProvisioningLog'), log_stream_name: '{instance_id}' },
            ],
          },
        },
      },
    });
    // The association runs only once the instances may write to the groups.
    expect(association.DependsOn).toEqual(expect.arrayContaining(Object.keys(template.findResources('AWS::IAM::Policy'))));
  });
});

describe('FlaskUwsgiAppFleet metrics and alarms', () => {
  test('collects the group\'s in-service instances, and alarms when fewer than minCapacity are in service for 3 minutes', () => {
    const { stack, fleet, template } = synth({ minCapacity: 3, desiredCapacity: 3, maxCapacity: 5 });

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances'] }] });
    expect(alarm(template, 'FleetInServiceInstancesAlarm')).toMatchObject({
      Namespace: 'AWS/AutoScaling',
      MetricName: 'GroupInServiceInstances',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: groupRef(stack, fleet) }],
      Statistic: 'Minimum',
      Period: 60,
      Threshold: 3,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
  });

  test('alarms when the target group has fewer healthy targets than minCapacity for 3 minutes', () => {
    const { stack, template } = synth({ minCapacity: 2 });

    const props = alarm(template, 'FleetHealthyHostsAlarm');
    expect(props).toMatchObject({
      Namespace: 'AWS/NetworkELB',
      MetricName: 'HealthyHostCount',
      Statistic: 'Minimum',
      Period: 60,
      Threshold: 2,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(props.Dimensions.map((d: any) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(JSON.stringify(stack.resolve(props.Dimensions))).toContain('TargetGroupFullName');
  });

  test('has no healthy-host alarm, and says why, when no listener uses the target group yet', () => {
    const { stack, fleet, template } = synth({}, false);

    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => id.startsWith('FleetHealthyHostsAlarm'))).toEqual([]);
    expect(fleet.healthyHostsAlarm).toBeUndefined();
    Annotations.fromStack(stack).hasInfo('/Stack/Fleet', Match.stringLikeRegexp('no healthy-host alarm'));
    expect(() => fleet.metricHealthyHostCount()).toThrow("FlaskUwsgiAppFleet at 'Stack/Fleet' has no target group metrics");
  });

  test('alarms when the instances\' average CPU is above 80% for 3 five-minute periods', () => {
    const { stack, fleet, template } = synth();

    expect(alarm(template, 'FleetCpuAlarm')).toMatchObject({
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: groupRef(stack, fleet) }],
      Statistic: 'Average',
      Period: 300,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
    });
  });

  test('adds the alarm actions to every alarm', () => {
    const action: cloudwatch.IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:ops' }) };
    const { template } = synth({ alarmActions: [action] });

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:ops']);
  });
});

describe('FlaskUwsgiAppFleet.scaleOnCpuUtilization', () => {
  test('tracks the group\'s average CPU with a target tracking policy, leaving a new instance out for 10 minutes', () => {
    const { fleet, stack } = synth({ minCapacity: 2, desiredCapacity: 2, maxCapacity: 6 });

    fleet.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 60 });

    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 600,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 },
    });
  });

  test.each<[string, Partial<FlaskUwsgiAppFleetProps>, { targetUtilizationPercent: number; estimatedInstanceWarmup?: Duration }, string]>([
    ['a target of 0%', { maxCapacity: 4 }, { targetUtilizationPercent: 0 }, 'invalid targetUtilizationPercent: got 0, expected a percentage from 1 to 100'],
    ['a target above 100%', { maxCapacity: 4 }, { targetUtilizationPercent: 120 }, 'invalid targetUtilizationPercent: got 120, expected a percentage from 1 to 100'],
    ['a warmup over an hour', { maxCapacity: 4 }, { targetUtilizationPercent: 50, estimatedInstanceWarmup: Duration.hours(2) },
      "invalid estimatedInstanceWarmup: got '7200 seconds', expected a whole number of seconds from 0 to 3600"],
    ['a fleet that cannot scale (minCapacity = maxCapacity)', {}, { targetUtilizationPercent: 50 },
      "invalid minCapacity/maxCapacity: got '2/2', expected a fleet whose maxCapacity is above its minCapacity"],
  ])('fails on %s, and adds no policy', (_, fleetProps, scaling, message) => {
    const { fleet, stack } = synth(fleetProps);

    expect(() => fleet.scaleOnCpuUtilization('CpuScaling', scaling)).toThrow(`FlaskUwsgiAppFleet.scaleOnCpuUtilization at 'Stack/Fleet': ${message}`);
    Template.fromStack(stack).resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
  });
});

describe('FlaskUwsgiAppFleet.scaleOnNewFlowCount', () => {
  test('tracks the load balancer\'s new flows per instance in service, with metric math, leaving a new instance out for 10 minutes', () => {
    const { fleet, stack } = synth({ minCapacity: 2, desiredCapacity: 2, maxCapacity: 6 });

    fleet.scaleOnNewFlowCount('FlowScaling', { targetFlowsPerInstancePerMinute: 3000 });

    const template = Template.fromStack(stack);
    const group = { Ref: Match.stringLikeRegexp('^FleetASG') };
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      AutoScalingGroupName: group,
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 600,
      TargetTrackingConfiguration: {
        TargetValue: 3000,
        DisableScaleIn: false,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'flows',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/NetworkELB',
                  MetricName: 'NewFlowCount',
                  Dimensions: [{ Name: 'LoadBalancer', Value: Match.anyValue() }],
                },
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            {
              Id: 'instances',
              MetricStat: {
                Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] },
                Stat: 'Average',
              },
              ReturnData: false,
            },
            { Id: 'flowsPerInstance', Expression: 'flows / instances', ReturnData: true },
          ],
        },
      },
    });
    // The load balancer is the one whose healthy hosts the fleet's alarm watches.
    const policy = Object.values(template.findResources('AWS::AutoScaling::ScalingPolicy'))[0];
    const flowsDimension = policy.Properties.TargetTrackingConfiguration.CustomizedMetricSpecification.Metrics[0].MetricStat.Metric.Dimensions[0];
    const healthyHosts = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(a => a.Properties.MetricName === 'HealthyHostCount')!;
    expect(healthyHosts.Properties.Dimensions).toContainEqual(flowsDimension);
    // The instances in service, which the expression divides by, are collected by the group.
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: Match.arrayWith(['GroupInServiceInstances']) }],
    });
  });

  test.each<[string, Partial<FlaskUwsgiAppFleetProps>, { targetFlowsPerInstancePerMinute: number; estimatedInstanceWarmup?: Duration }, string]>([
    ['a target of 0 flows', { maxCapacity: 4 }, { targetFlowsPerInstancePerMinute: 0 },
      'invalid targetFlowsPerInstancePerMinute: got 0, expected a whole number of flows per instance and minute, 1 or more'],
    ['a fractional target', { maxCapacity: 4 }, { targetFlowsPerInstancePerMinute: 2.5 },
      'invalid targetFlowsPerInstancePerMinute: got 2.5, expected a whole number of flows per instance and minute, 1 or more'],
    ['a warmup over an hour', { maxCapacity: 4 }, { targetFlowsPerInstancePerMinute: 100, estimatedInstanceWarmup: Duration.hours(2) },
      "invalid estimatedInstanceWarmup: got '7200 seconds', expected a whole number of seconds from 0 to 3600"],
    ['a fleet that cannot scale (minCapacity = maxCapacity)', {}, { targetFlowsPerInstancePerMinute: 100 },
      "invalid minCapacity/maxCapacity: got '2/2', expected a fleet whose maxCapacity is above its minCapacity"],
  ])('fails on %s, and adds no policy', (_, fleetProps, scaling, message) => {
    const { fleet, stack } = synth(fleetProps);

    expect(() => fleet.scaleOnNewFlowCount('FlowScaling', scaling)).toThrow(`FlaskUwsgiAppFleet.scaleOnNewFlowCount at 'Stack/Fleet': ${message}`);
    Template.fromStack(stack).resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
  });

  test('fails for a target group with no known load balancer, whose flows no metric counts', () => {
    const { fleet } = synth({ maxCapacity: 4 }, false);

    expect(() => fleet.scaleOnNewFlowCount('FlowScaling', { targetFlowsPerInstancePerMinute: 100 }))
      .toThrow("FlaskUwsgiAppFleet.scaleOnNewFlowCount at 'Stack/Fleet': the fleet's target group has no known load balancer");
  });
});
