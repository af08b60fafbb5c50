import { UwsgiEndpoint } from '@nlb-tiers/core';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApacheUwsgiWebServer, ApacheUwsgiWebServerProps } from '../src';

function synth(props: Partial<ApacheUwsgiWebServerProps> = {}) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const upstreamGroup = new ec2.SecurityGroup(stack, 'UpstreamGroup', { vpc, allowAllOutbound: false });
  const upstream = new UwsgiEndpoint({ host: 'app.internal.example', port: 9090, securityGroups: [upstreamGroup] });
  const server = new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, ...props });
  return { stack, server, template: Template.fromStack(stack) };
}

/** The logical id of one of the server's log groups. */
function groupId(stack: Stack, server: ApacheUwsgiWebServer, id: string): string {
  return stack.resolve((server.logs.logGroup(id).node.defaultChild as logs.CfnLogGroup).logicalId);
}

function alarm(template: Template, idPrefix: string) {
  const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0][1].Properties;
}

describe('ApacheUwsgiWebServer logs', () => {
  test('creates a log group for the access log, the error log and the provisioning output, kept 90 days and retained', () => {
    const { template } = synth();

    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    const groups = template.findResources('AWS::Logs::LogGroup');
    for (const group of Object.values(groups)) {
      expect(group.Properties).toEqual({ RetentionInDays: 90 });
      expect(group.DeletionPolicy).toBe('Retain');
    }
    expect(Object.keys(groups).map(id => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['WebLogsAccessLog', 'WebLogsErrorLog', 'WebLogsProvisioningLog']);
  });

  test('takes the retention, the removal policy and a KMS key, which it lets CloudWatch Logs use', () => {
    const stack = new Stack(new App(), 'KeyStack', { env: { region: 'eu-west-1', account: '111111111111' } });
    const key = new kms.Key(stack, 'Key');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const upstream = new UwsgiEndpoint({ host: 'app.internal.example', port: 9090, securityGroups: [new ec2.SecurityGroup(stack, 'Up', { vpc })] });
    new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY, logEncryptionKey: key });
    const template = Template.fromStack(stack);

    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group.Properties).toEqual({ RetentionInDays: 7, KmsKeyId: { 'Fn::GetAtt': [stack.resolve((key.node.defaultChild as kms.CfnKey).logicalId), 'Arn'] } });
      expect(group.DeletionPolicy).toBe('Delete');
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-west-1.amazonaws.com' }, Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']) })]) },
    });
  });

  test('lets the instance role create streams, describe them and put events in its three log groups, and nowhere else', () => {
    const { stack, server, template } = synth();

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const logStatements = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('logs:')));
    expect(logStatements).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: ['AccessLog', 'ErrorLog', 'ProvisioningLog'].map(id => ({ 'Fn::GetAtt': [groupId(stack, server, id), 'Arn'] })),
    }]);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('CloudWatchAgent')])] })]) }, 0);
  });

  test('provisioning configures the agent with each file, its group and one stream per instance, before httpd is configured', () => {
    const { stack, server, template } = synth();

    const commands: unknown[] = Object.values(template.findResources('AWS::SSM::Association'))[0].Properties.Parameters.commands;
    const heredoc = commands.indexOf('cat > "$nlbt_cwagent_new" <<\'NLB_TIERS_CLOUDWATCH_AGENT_CONFIG\'');
    // The configuration line, with each group's name (a Ref) written as its logical id.
    const parts: unknown[] = (commands[heredoc + 1] as any)['Fn::Join'][1];
    const config = JSON.parse(parts.map(p => typeof p === 'string' ? p : (p as any).Ref).join(''));
    expect(config).toEqual({
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/httpd/access_log', log_group_name: groupId(stack, server, 'AccessLog'), log_stream_name: '{instance_id}' },
              { file_path: '/var/log/httpd/error_log', log_group_name: groupId(stack, server, 'ErrorLog'), log_stream_name: '{instance_id}' },
              { file_path: '/var/log/nlb-tiers/provisioning.log', log_group_name: groupId(stack, server, 'ProvisioningLog'), log_stream_name: '{instance_id}' },
            ],
          },
        },
      },
    });
    const text = commands.map(c => typeof c === 'string' ? c : JSON.stringify(c)).join('\n');
    expect(text.indexOf('yum install -y amazon-cloudwatch-agent')).toBeGreaterThan(0);
    expect(text.indexOf('-a fetch-config -m ec2 -c "file:$nlbt_cwagent_conf" -s')).toBeLessThan(text.indexOf('httpd -t'));
  });

  test('the policy that lets the instances write to the groups exists before the association runs', () => {
    const { template } = synth();

    const [, association] = Object.entries(template.findResources('AWS::SSM::Association'))[0];
    const policyIds = Object.keys(template.findResources('AWS::IAM::Policy'));
    expect(association.DependsOn).toEqual(expect.arrayContaining(policyIds));
  });
});

describe('ApacheUwsgiWebServer metrics and alarms', () => {
  test('turns the access log into a count of requests and of 5xx responses, 0 in a quiet minute', () => {
    const { stack, server, template } = synth();

    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
    const accessLog = { Ref: groupId(stack, server, 'AccessLog') };
    const fields = '[client, ident, user, time, request, status, bytes, referer, agent]';
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: accessLog,
      FilterPattern: fields,
      MetricTransformations: [{ MetricNamespace: 'NlbTiers/ApacheUwsgiWebServer', MetricName: Match.stringLikeRegexp('-Requests$'), MetricValue: '1', DefaultValue: 0, Unit: 'Count' }],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: accessLog,
      FilterPattern: '[client, ident, user, time, request, status = "5*", bytes, referer, agent]',
      MetricTransformations: [{ MetricNamespace: 'NlbTiers/ApacheUwsgiWebServer', MetricName: Match.stringLikeRegexp('-Http5xx$'), MetricValue: '1', DefaultValue: 0, Unit: 'Count' }],
    });
    expect(stack.resolve(server.metricHttp5xxCount().metricName)).toMatch(/-Http5xx$/);
    expect(server.metricRequestCount().statistic).toBe('Sum');
    expect(server.metricRequestCount().period.toSeconds()).toBe(60);
  });

  test('raises the 5xx alarm when more than 5% of the responses are 5xx for 3 one-minute periods', () => {
    const { template } = synth();

    const props = alarm(template, 'WebHttp5xxAlarm');
    expect(props).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' });
    const [expression, ...inputs] = props.Metrics;
    expect(expression).toMatchObject({ Expression: '100 * http5xx / MAX([requests, 1])', ReturnData: true });
    expect(inputs.map((m: any) => [m.Id, m.MetricStat.Metric.Namespace, m.MetricStat.Period, m.MetricStat.Stat, m.ReturnData])).toEqual([
      ['http5xx', 'NlbTiers/ApacheUwsgiWebServer', 60, 'Sum', false],
      ['requests', 'NlbTiers/ApacheUwsgiWebServer', 60, 'Sum', false],
    ]);
    expect(props.AlarmActions).toBeUndefined();
  });

  test('raises the CPU alarm above 80% for 3 five-minute periods of the instance\'s basic monitoring', () => {
    const { stack, server, template } = synth();

    expect(alarm(template, 'WebCpuAlarm')).toMatchObject({
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'InstanceId', Value: { Ref: stack.resolve(server.instance.instance.logicalId) } }],
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

    for (const prefix of ['WebHttp5xxAlarm', 'WebCpuAlarm']) {
      expect(alarm(template, prefix).AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:ops']);
    }
  });
});
