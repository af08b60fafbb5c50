import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SHIMS_DIR } from '../../src/paths';
import { describeWhen } from '../machine-requirements';

const LIB = path.join(SHIMS_DIR, 'usr', 'lib', 'nlb-tiers-local');
const CTL = path.join(LIB, 'packages', 'amazon-cloudwatch-agent', 'root', 'opt', 'aws', 'amazon-cloudwatch-agent', 'bin', 'amazon-cloudwatch-agent-ctl');
const describeWithPython = describeWhen(fs.existsSync('/usr/bin/python3'), '/usr/bin/python3 (Debian package python3)');

/** The ctl as a host runs it, its agent folder moved into a scratch folder. */
function ctl(root: string, args: string[]) {
  return spawnSync('/usr/bin/python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(LIB)}); import nlbt_cwagent; sys.exit(nlbt_cwagent.main(sys.argv[1:]))`, ...args],
    { encoding: 'utf-8', env: { ...process.env, NLBT_CWAGENT_ROOT: root } });
}

const CONFIG = { logs: { logs_collected: { files: { collect_list: [{ file_path: '/var/log/httpd/access_log', log_group_name: 'access', log_stream_name: '{instance_id}' }] } } } };

describeWithPython('the amazon-cloudwatch-agent-ctl shim', () => {
  let root: string;
  let configFile: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-cwagent-'));
    configFile = path.join(root, 'nlb-tiers.json');
  });

  test('is installed by the package where the rpm puts it, and runs with the host\'s python', () => {
    expect(fs.readFileSync(CTL, 'utf-8').split('\n')[0]).toBe('#!/usr/bin/python3 -S');
    expect((fs.statSync(CTL).mode % 0o1000).toString(8)).toBe('755');
  });

  test('fetch-config -m ec2 -c file:<path> -s keeps the configuration where the agent keeps it and starts the agent', () => {
    fs.writeFileSync(configFile, JSON.stringify(CONFIG));
    expect(JSON.parse(ctl(root, ['-a', 'status']).stdout)).toMatchObject({ status: 'stopped', configstatus: 'not configured' });

    const r = ctl(root, ['-a', 'fetch-config', '-m', 'ec2', '-c', `file:${configFile}`, '-s']);

    expect(r.status).toBe(0);
    const kept = path.join(root, 'etc', 'amazon-cloudwatch-agent.d', 'file_nlb-tiers.json');
    expect(r.stdout).toContain(`Successfully fetched the config and saved in ${kept}`);
    expect(JSON.parse(fs.readFileSync(kept, 'utf-8'))).toEqual(CONFIG);
    expect(JSON.parse(ctl(root, ['-a', 'status']).stdout)).toMatchObject({ status: 'running', configstatus: 'configured' });
  });

  test('without -s it keeps the configuration and starts nothing', () => {
    fs.writeFileSync(configFile, JSON.stringify(CONFIG));

    expect(ctl(root, ['-a', 'fetch-config', '-m', 'ec2', '-c', `file:${configFile}`]).status).toBe(0);
    expect(JSON.parse(ctl(root, ['-a', 'status']).stdout).status).toBe('stopped');
  });

  test.each<[string, unknown, RegExp]>([
    ['no files to collect', { logs: {} }, /collect_list: expected a non-empty array of files to collect/],
    ['a relative file path', { logs: { logs_collected: { files: { collect_list: [{ file_path: 'x.log', log_group_name: 'g' }] } } } }, /collect_list\[0\]\.file_path: expected an absolute path, got 'x\.log'/],
    ['no log group', { logs: { logs_collected: { files: { collect_list: [{ file_path: '/x.log' }] } } } }, /collect_list\[0\]\.log_group_name: expected a non-empty string, got None/],
    ['an unknown placeholder', { logs: { logs_collected: { files: { collect_list: [{ file_path: '/x.log', log_group_name: 'g', log_stream_name: '{instance}' }] } } } },
      /log_stream_name: unknown placeholder \{instance\} \(the agent knows \{hostname\}, \{instance_id\}, \{ip_address\}, \{local_hostname\}\)/],
  ])('fails on a configuration with %s, keeping and starting nothing', (_, config, message) => {
    fs.writeFileSync(configFile, JSON.stringify(config));

    const r = ctl(root, ['-a', 'fetch-config', '-m', 'ec2', '-c', `file:${configFile}`, '-s']);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Configuration validation first phase failed:/);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(root, 'etc'))).toBe(false);
    expect(JSON.parse(ctl(root, ['-a', 'status']).stdout).status).toBe('stopped');
  });

  test('fails on a configuration source other than a file, and on unknown actions', () => {
    expect(ctl(root, ['-a', 'fetch-config', '-m', 'ec2', '-c', 'ssm:AmazonCloudWatch-linux', '-s'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/only configuration source a local host has/) });
    expect(ctl(root, ['-a', 'append-config'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/unknown action append-config/) });
  });
});
