import { configuredLogFiles, countLines, describeLogCollection } from '../../src/deploy/log-collection';
import { Host } from '../../src/model/topology';

const HOST = { name: 'web-1', metadata: { instanceId: 'i-0123456789abcdef0', localIpv4: '10.0.0.10' } } as unknown as Host;

describe('configuredLogFiles', () => {
  test('names each file with its group and its stream, the agent\'s placeholders filled in for the host', () => {
    const config = {
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/httpd/access_log', log_group_name: 'stack-weblogsaccesslog', log_stream_name: '{instance_id}' },
              { file_path: '/var/log/a', log_group_name: 'g-{hostname}', log_stream_name: '{ip_address}/{local_hostname}' },
              { file_path: '/var/log/b', log_group_name: 'g' },
            ],
          },
        },
      },
    };

    expect(configuredLogFiles(config, HOST, 'ip-10-0-0-10.local-1.compute.internal')).toEqual([
      { host: 'web-1', filePath: '/var/log/httpd/access_log', logGroupName: 'stack-weblogsaccesslog', logStreamName: 'i-0123456789abcdef0' },
      { host: 'web-1', filePath: '/var/log/a', logGroupName: 'g-ip-10-0-0-10.local-1.compute.internal', logStreamName: '10.0.0.10/ip-10-0-0-10.local-1.compute.internal' },
      // The agent's default stream: the instance id.
      { host: 'web-1', filePath: '/var/log/b', logGroupName: 'g', logStreamName: 'i-0123456789abcdef0' },
    ]);
  });

  test('a configuration without files names none', () => {
    expect(configuredLogFiles({ metrics: {} }, HOST, 'h')).toEqual([]);
  });
});

describe('countLines', () => {
  test.each([['', 0], ['a\n', 1], ['a\nb\n', 2], ['a\nb', 2], ['\n', 1]])('%j has %d lines', (text, lines) => {
    expect(countLines(text)).toBe(lines);
  });
});

describe('describeLogCollection', () => {
  test('one line per group and stream with its line count, then each problem as a failure', () => {
    const lines = describeLogCollection({
      folder: '/run/nlb-tiers-local/abc/logs',
      files: [
        { host: 'web-1', filePath: '/var/log/httpd/access_log', logGroupName: 'access', logStreamName: 'i-1', copy: '/x', lines: 20 },
        { host: 'app-1', filePath: '/var/log/nlb-tiers/uwsgi.log', logGroupName: 'uwsgi-log', logStreamName: 'i-2', copy: '/y', lines: 0 },
      ],
      problems: ['app-1: /var/log/nlb-tiers/uwsgi.log (log group uwsgi-log) never received a line'],
    });

    expect(lines).toEqual([
      'Logs, collected as the CloudWatch agent would ship them, into /run/nlb-tiers-local/abc/logs:',
      '  access     i-1 (web-1) /var/log/httpd/access_log: 20 lines',
      '  uwsgi-log  i-2 (app-1) /var/log/nlb-tiers/uwsgi.log: 0 lines',
      'FAILED: app-1: /var/log/nlb-tiers/uwsgi.log (log group uwsgi-log) never received a line',
    ]);
  });
});
