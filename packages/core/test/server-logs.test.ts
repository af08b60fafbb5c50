import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ServerLogs, ServerLogFile } from '../src';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  return { stack, role };
}

describe('ServerLogs', () => {
  test('creates one group per file and an agent configuration that ships each file to its group, one stream per instance', () => {
    const { stack, role } = fixture();

    const serverLogs = new ServerLogs(stack, 'Logs', { role, files: [{ id: 'App', filePath: '/var/log/app.log' }, { id: 'Other', filePath: '/var/log/other.log' }] });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    const name = (id: string) => ({ Ref: stack.resolve((serverLogs.logGroup(id).node.defaultChild as logs.CfnLogGroup).logicalId) });
    const resolved = stack.resolve(serverLogs.agentConfig);
    const parts: unknown[] = resolved['Fn::Join'][1];
    expect(JSON.parse(parts.map(p => typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1)).join(''))).toEqual({
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/app.log', log_group_name: JSON.stringify(name('App')), log_stream_name: '{instance_id}' },
              { file_path: '/var/log/other.log', log_group_name: JSON.stringify(name('Other')), log_stream_name: '{instance_id}' },
            ],
          },
        },
      },
    });
    expect(serverLogs.agentConfig).not.toContain('\n');
  });

  test.each<[string, ServerLogFile[], RegExp]>([
    ['no file', [], /invalid files: got '\[\]', expected at least one file to ship/],
    ['a relative path', [{ id: 'App', filePath: 'var/log/app.log' }], /invalid files\[\]\.filePath: got 'var\/log\/app\.log', expected an absolute path/],
    ['two files with one id', [{ id: 'App', filePath: '/a' }, { id: 'App', filePath: '/b' }], /invalid files\[\]\.id: got 'App', expected ids that differ from each other/],
  ])('fails on %s, and creates nothing', (_, files, message) => {
    const { stack, role } = fixture();

    expect(() => new ServerLogs(stack, 'Logs', { role, files })).toThrow(message);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', 0);
  });

  test('fails to return a group it does not have, naming those it has', () => {
    const { stack, role } = fixture();
    const serverLogs = new ServerLogs(stack, 'Logs', { role, files: [{ id: 'App', filePath: '/var/log/app.log' }] });

    expect(() => serverLogs.logGroup('Access')).toThrow("ServerLogs at 'Stack/Logs' has no log group 'Access'; it has App");
  });
});
