import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AGENT_CONFIG_DIR, AGENT_STATUS_FILE, collectHostLogs, configuredLogFiles, countLines, describeLogCollection } from '../../src/deploy/log-collection';
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

describe('collectHostLogs', () => {
  let root: string;
  let folder: string;
  const files = (host: Host) => ({ host, path: (inHost: string) => path.join(root, host.name, inHost) });

  /** A host whose agent configuration names `paths` in group `g`, with the agent started or not. */
  function hostWith(host: Host, paths: Record<string, string | undefined>, started = true) {
    const write = (inHost: string, text: string) => {
      const file = files(host).path(inHost);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    };
    write('/etc/hostname', 'ip-10-0-0-10\n');
    write(`${AGENT_CONFIG_DIR}/file_logs.json`, JSON.stringify({
      logs: { logs_collected: { files: { collect_list: Object.keys(paths).map(p => ({ file_path: p, log_group_name: `g${p.replace(/\//g, '-')}` })) } } },
    }));
    if (started) write(AGENT_STATUS_FILE, JSON.stringify({ status: 'running' }));
    for (const [p, text] of Object.entries(paths)) if (text !== undefined) write(p, text);
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-logs-'));
    folder = path.join(root, 'collected');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('copies each configured file into its group\'s folder, one file per stream, and counts its lines', () => {
    hostWith(HOST, { '/var/log/a': 'one\ntwo\n', '/var/log/b': 'three\n' });

    const r = collectHostLogs([files(HOST)], folder);

    expect(r.problems).toEqual([]);
    expect(r.files.map(f => [f.logGroupName, f.logStreamName, f.lines])).toEqual([['g-var-log-a', 'i-0123456789abcdef0', 2], ['g-var-log-b', 'i-0123456789abcdef0', 1]]);
    expect(fs.readFileSync(path.join(folder, 'g-var-log-a', 'i-0123456789abcdef0.log'), 'utf-8')).toBe('one\ntwo\n');
  });

  test('a configured file that does not exist, one that never received a line, and an agent never started are problems', () => {
    hostWith(HOST, { '/var/log/missing': undefined, '/var/log/empty': '', '/var/log/full': 'x\n' }, false);

    const r = collectHostLogs([files(HOST)], folder);

    expect(r.problems).toEqual([
      'web-1: the CloudWatch agent is configured (file_logs.json) but was never started (fetch-config without -s)',
      'web-1: /var/log/missing (log group g-var-log-missing) does not exist',
      'web-1: /var/log/empty (log group g-var-log-empty) never received a line',
    ]);
    expect(r.files.map(f => [f.filePath, f.lines])).toEqual([['/var/log/empty', 0], ['/var/log/full', 1]]);
  });

  test('a host without an agent configuration ships nothing and is no problem', () => {
    fs.mkdirSync(path.join(root, HOST.name), { recursive: true });
    expect(collectHostLogs([files(HOST)], folder)).toEqual({ folder, files: [], problems: [] });
  });
});
