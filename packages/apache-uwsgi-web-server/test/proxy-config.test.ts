import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { defaultPortWorkaround, ProvisioningScriptOptions, renderProvisioningScript, renderProxyConfig } from '../src/private/proxy-config';

const OPTIONS: ProvisioningScriptOptions = {
  httpPort: 80,
  upstreamHosts: ['zone-a.nlb.internal.example', 'zone-b.nlb.internal.example'],
  zonal: true,
  upstreamPort: 9090,
  failoverAttempts: 5,
  connectTimeoutSeconds: 5,
  timeoutSeconds: 60,
  signal: { stack: 'Stack', resource: 'WebServer', region: 'eu-west-1' },
  answerWaitSeconds: 3,
  cloudWatchAgentConfig: '{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/var/log/httpd/access_log","log_group_name":"access","log_stream_name":"{instance_id}"}]}}}}',
};
/** The instance id the metadata stand-in gives. */
const INSTANCE_ID = 'i-0123456789abcdef0';
/** cfn-signal's call at the end of a run that succeeded. */
const SIGNAL_SUCCESS = `cfn-signal --stack Stack --resource WebServer --region eu-west-1 --id ${INSTANCE_ID} --exit-code 0`;

/** What `httpd -M` lists on Amazon Linux, for the modules the configuration needs. */
const ALL_MODULES = ['proxy_module', 'proxy_uwsgi_module', 'proxy_balancer_module', 'lbmethod_byrequests_module', 'slotmem_shm_module']
  .map(m => ` ${m} (shared)`).join('\n');

describe('renderProxyConfig', () => {
  test('proxies everything through a balancer of the upstream\'s names that sends a refused request again', () => {
    const config = renderProxyConfig(OPTIONS);

    expect(config.split('\n').filter(l => !l.startsWith('#'))).toEqual([
      '<IfModule mpm_event_module>',
      '    ThreadsPerChild 64',
      '    MaxRequestWorkers 384',
      '</IfModule>',
      '<Proxy "balancer://nlb-tiers-upstream">',
      '    BalancerMember "uwsgi://zone-a.nlb.internal.example:9090" retry=0 connectiontimeout=5 timeout=60',
      '    BalancerMember "uwsgi://zone-b.nlb.internal.example:9090" retry=0 connectiontimeout=5 timeout=60',
      '    ProxySet lbmethod=byrequests maxattempts=5',
      '</Proxy>',
      'ProxyPass "/" "balancer://nlb-tiers-upstream/"',
      'ProxyPassReverse "/" "balancer://nlb-tiers-upstream/"',
    ]);
  });

  test('one regional name makes a balancer of one member, resolved for every request, which still sends a refused request again', () => {
    const config = renderProxyConfig({ ...OPTIONS, upstreamHosts: ['nlb.internal.example'], zonal: false, failoverAttempts: 3 });

    expect(config.match(/^ +BalancerMember .*$/gm)).toEqual(['    BalancerMember "uwsgi://nlb.internal.example:9090" retry=0 disablereuse=On connectiontimeout=5 timeout=60']);
    expect(config).toMatch(/^ +ProxySet lbmethod=byrequests maxattempts=3$/m);
  });

  test('port 3031, which mod_proxy_uwsgi drops as its default, is connected to through a ProxyRemote of each name', () => {
    const zonal = renderProxyConfig({ ...OPTIONS, upstreamPort: 3031 });
    expect(zonal.match(/^ +BalancerMember .*$/gm)).toEqual([
      '    BalancerMember "uwsgi://zone-a.nlb.internal.example:3031" retry=0 connectiontimeout=5 timeout=60',
      '    BalancerMember "uwsgi://zone-b.nlb.internal.example:3031" retry=0 connectiontimeout=5 timeout=60',
    ]);
    // The match is the URL as the canon hook leaves it: no port, then the path.
    expect(zonal.match(/^ProxyRemote .*$/gm)).toEqual([
      'ProxyRemote "uwsgi://zone-a.nlb.internal.example/" "uwsgi://zone-a.nlb.internal.example:3031"',
      'ProxyRemote "uwsgi://zone-b.nlb.internal.example/" "uwsgi://zone-b.nlb.internal.example:3031"',
    ]);
    const regional = renderProxyConfig({ ...OPTIONS, upstreamHosts: ['nlb.internal.example'], zonal: false, upstreamPort: 3031 });
    expect(regional.match(/^ProxyRemote .*$/gm)).toEqual(['ProxyRemote "uwsgi://nlb.internal.example/" "uwsgi://nlb.internal.example:3031"']);
    // Before the ProxyPass that uses them; no empty line is left where the lines would go.
    expect(regional.indexOf('ProxyRemote')).toBeLessThan(regional.indexOf('ProxyPass "/"'));
    expect(renderProxyConfig(OPTIONS)).not.toMatch(/\n\n/);
  });

  test.each([80, 443, 1023, 1024, 3030, 3032, 9090, 65535])('port %d is written in the members only, with no ProxyRemote', port => {
    const config = renderProxyConfig({ ...OPTIONS, upstreamPort: port });
    expect(config).not.toMatch(/ProxyRemote/);
    expect(config).toContain(`BalancerMember "uwsgi://zone-a.nlb.internal.example:${port}"`);
  });

  test('a port not known at synthesis gets the ProxyRemote lines too (they match nothing unless the port was dropped)', () => {
    const port = Token.asNumber({ Ref: 'UwsgiPort' });
    expect(defaultPortWorkaround(['nlb.internal.example'], port)).toEqual([`ProxyRemote "uwsgi://nlb.internal.example/" "uwsgi://nlb.internal.example:${port}"`]);
    expect(defaultPortWorkaround(['nlb.internal.example'], 9090)).toEqual([]);
  });

  test('adds a Listen directive for a port other than 80 only', () => {
    expect(renderProxyConfig(OPTIONS)).not.toMatch(/^Listen/m);
    expect(renderProxyConfig({ ...OPTIONS, httpPort: 8080 })).toMatch(/^Listen 8080$/m);
  });
});

describe('renderProvisioningScript', () => {
  /**
   * Runs the script against a scratch configuration folder, with yum, rpm, httpd, systemctl and
   * cfn-signal replaced by stand-ins that log their calls and keep httpd's state in files, and curl
   * by one that answers for the metadata service and for httpd (`httpStatus`), sending nothing.
   */
  function runScript(scratch: string, script: string, loadedModules = ALL_MODULES, httpStatus = '200'): string[] {
    return runScriptWithOutput(scratch, script, loadedModules, httpStatus).calls;
  }

  function runScriptWithOutput(scratch: string, script: string, loadedModules: string, httpStatus = '200'): { calls: string[]; stdout: string } {
    const bin = path.join(scratch, 'bin');
    const state = path.join(scratch, 'state');
    fs.mkdirSync(bin, { recursive: true });
    fs.mkdirSync(state, { recursive: true });
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> "${state}/calls"\n${body}\n`, { mode: 0o755 });
    stub('rpm', `[ -f "${state}/installed-$2" ]`);
    stub('yum', `touch "${state}/installed-$3"`);
    stub('amazon-cloudwatch-agent-ctl', `case "$2" in fetch-config) touch "${state}/agent-running";; status) `
      + `if [ -f "${state}/agent-running" ]; then echo '{"status": "running"}'; else echo '{"status": "stopped"}'; fi;; esac`);
    stub('httpd', `[ "$1" = -M ] && printf '%s\\n' '${loadedModules}'; exit 0`);
    stub('systemctl', `case "$1" in is-active) [ -f "${state}/active" ];; start) touch "${state}/active";; esac`);
    stub('cfn-signal', '');
    fs.writeFileSync(path.join(bin, 'curl'), `#!/bin/bash\ncase "$*" in *api/token*) echo token;; *instance-id*) echo ${INSTANCE_ID};; *127.0.0.1*) printf ${httpStatus};; esac\n`, { mode: 0o755 });
    fs.rmSync(path.join(state, 'calls'), { force: true });
    const file = path.join(scratch, 'provision.sh');
    fs.writeFileSync(file, script);
    const stdout = execFileSync('/bin/bash', [file], {
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        HTTPD_CONF_DIR: path.join(scratch, 'conf.d'),
        CFN_SIGNAL: path.join(bin, 'cfn-signal'),
        NLBT_SIGNAL_MARKERS: path.join(scratch, 'signalled'),
        CWAGENT_CTL: path.join(bin, 'amazon-cloudwatch-agent-ctl'),
        CWAGENT_CONFIG: path.join(scratch, 'cwagent', 'nlb-tiers.json'),
        NLBT_PROVISIONING_LOG: path.join(scratch, 'log', 'provisioning.log'),
      },
      stdio: 'pipe',
    }).toString();
    return { calls: fs.readFileSync(path.join(state, 'calls'), 'utf-8').trim().split('\n'), stdout };
  }

  test('a first run installs httpd and the CloudWatch agent, configures both, starts them and, once httpd answers, signals SUCCESS', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));

    const calls = runScript(scratch, renderProvisioningScript(OPTIONS));

    expect(calls).toEqual(['rpm -q httpd', 'yum install -y httpd', 'rpm -q amazon-cloudwatch-agent', 'yum install -y amazon-cloudwatch-agent',
      `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:${path.join(scratch, 'cwagent', 'nlb-tiers.json')} -s`, 'httpd -t', 'httpd -M', 'systemctl enable httpd', 'systemctl is-active --quiet httpd',
      'systemctl start httpd', SIGNAL_SUCCESS]);
    expect(fs.readFileSync(path.join(scratch, 'conf.d', 'nlb-tiers-uwsgi-proxy.conf'), 'utf-8')).toBe(renderProxyConfig(OPTIONS) + '\n');
    expect(fs.readFileSync(path.join(scratch, 'cwagent', 'nlb-tiers.json'), 'utf-8')).toBe(OPTIONS.cloudWatchAgentConfig + '\n');
  });

  test('keeps the run\'s output, both streams, in the provisioning log that the agent ships', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));

    const { stdout } = runScriptWithOutput(scratch, renderProvisioningScript(OPTIONS), ALL_MODULES);

    const log = fs.readFileSync(path.join(scratch, 'log', 'provisioning.log'), 'utf-8');
    expect(stdout).toMatch(/^serving: httpd answers through the upstream with status 200$/m);
    expect(log).toMatch(/^provisioning run started at /m);
    expect(log).toMatch(/^changed: .*nlb-tiers-uwsgi-proxy.conf$/m);
    expect(log).toMatch(/^serving: httpd answers through the upstream with status 200$/m);
  });

  test('starts the agent again when it is not running, with an unchanged configuration', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));
    const script = renderProvisioningScript(OPTIONS);
    runScript(scratch, script);
    fs.rmSync(path.join(scratch, 'state', 'agent-running'));

    const { calls, stdout } = runScriptWithOutput(scratch, script, ALL_MODULES);

    expect(calls).toContain(`amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:${path.join(scratch, 'cwagent', 'nlb-tiers.json')} -s`);
    expect(stdout).toMatch(/^started: amazon-cloudwatch-agent$/m);
  });

  test('is idempotent: a second run changes no file, installs, starts or reloads nothing, and signals no more', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));
    const script = renderProvisioningScript(OPTIONS);
    runScript(scratch, script);
    const conf = path.join(scratch, 'conf.d', 'nlb-tiers-uwsgi-proxy.conf');
    const before = { text: fs.readFileSync(conf, 'utf-8'), mtime: fs.statSync(conf).mtimeMs };

    const { calls, stdout } = runScriptWithOutput(scratch, script, ALL_MODULES);

    // The instance signalled after its first run: CloudFormation waits for that signal only once.
    expect(calls).toEqual(['rpm -q httpd', 'rpm -q amazon-cloudwatch-agent', 'amazon-cloudwatch-agent-ctl -a status',
      'httpd -t', 'httpd -M', 'systemctl enable httpd', 'systemctl is-active --quiet httpd']);
    expect(stdout).toMatch(/^unchanged: amazon-cloudwatch-agent keeps running$/m);
    expect(stdout).toMatch(/^cfn-signal: not sent; this instance signalled WebServer on /m);
    expect(stdout).not.toMatch(/^(changed|started|reloaded):/m);
    expect(stdout).toMatch(/^unchanged: httpd keeps running$/m);
    expect(fs.readFileSync(conf, 'utf-8')).toBe(before.text);
    expect(fs.statSync(conf).mtimeMs).toBe(before.mtime);
    expect(fs.readdirSync(path.join(scratch, 'conf.d'))).toEqual(['nlb-tiers-uwsgi-proxy.conf']);
  });

  test('a changed upstream rewrites the configuration and reloads httpd', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));
    runScript(scratch, renderProvisioningScript(OPTIONS));

    const calls = runScript(scratch, renderProvisioningScript({ ...OPTIONS, upstreamPort: 9191 }));

    expect(calls).toContain('systemctl reload httpd');
    expect(fs.readFileSync(path.join(scratch, 'conf.d', 'nlb-tiers-uwsgi-proxy.conf'), 'utf-8')).toContain('uwsgi://zone-a.nlb.internal.example:9191"');
  });

  test.each(['proxy_uwsgi_module', 'proxy_balancer_module', 'lbmethod_byrequests_module', 'slotmem_shm_module'])('fails, before starting httpd, when httpd has no %s', missing => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));
    const loaded = ALL_MODULES.split('\n').filter(m => !m.includes(missing)).join('\n');

    expect(() => runScript(scratch, renderProvisioningScript(OPTIONS), loaded)).toThrow(new RegExp(`no ${missing} loaded`));
    const calls = fs.readFileSync(path.join(scratch, 'state', 'calls'), 'utf-8').trim().split('\n');
    expect(calls).not.toContain('systemctl start httpd');
    expect(calls[calls.length - 1]).toBe('cfn-signal --stack Stack --resource WebServer --region eu-west-1 --id i-0123456789abcdef0 --exit-code 1 '
      + `--reason provisioning failed on i-0123456789abcdef0: httpd has no ${missing} loaded: cannot proxy to uwsgi`);
  });

  test('fails, and signals FAILURE with the reason, when httpd does not answer through the upstream in time', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));

    expect(() => runScript(scratch, renderProvisioningScript(OPTIONS), ALL_MODULES, '503')).toThrow(/did not answer through the upstream within 3 s \(last status: 503\)/);
    const calls = fs.readFileSync(path.join(scratch, 'state', 'calls'), 'utf-8').trim().split('\n');
    expect(calls[calls.length - 1]).toBe('cfn-signal --stack Stack --resource WebServer --region eu-west-1 --id i-0123456789abcdef0 --exit-code 1 '
      + '--reason provisioning failed on i-0123456789abcdef0: httpd did not answer through the upstream within 3 s (last status: 503)');
  });

  test('a failed command fails the run and signals FAILURE naming the command', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'web-provision-'));
    const script = renderProvisioningScript(OPTIONS).replace('\nhttpd -t\n', '\nhttpd -t\ntest -e /nonexistent/injected\n');

    expect(() => runScript(scratch, script)).toThrow();
    const calls = fs.readFileSync(path.join(scratch, 'state', 'calls'), 'utf-8').trim().split('\n');
    expect(calls[calls.length - 1]).toBe('cfn-signal --stack Stack --resource WebServer --region eu-west-1 --id i-0123456789abcdef0 --exit-code 1 '
      + '--reason provisioning failed on i-0123456789abcdef0: \'test -e /nonexistent/injected\' exited with status 1');
  });
});
