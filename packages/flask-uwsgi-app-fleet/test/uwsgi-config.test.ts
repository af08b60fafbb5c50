import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { PlaybookOptions, renderUwsgiIni, renderUwsgiService, stagePlaybook } from '../src/private/uwsgi-config';

describe('renderUwsgiIni', () => {
  test('serves the app with the uwsgi protocol on a TCP socket, and leaves the user to systemd', () => {
    const ini = renderUwsgiIni({ port: 9090, module: 'run', callable: 'app', processes: 2, threads: 2 });

    expect(ini.split('\n').filter(l => l && !l.startsWith(';'))).toEqual([
      '[uwsgi]',
      'chdir = /opt/nlb-tiers/app',
      'module = run:app',
      'virtualenv = /opt/nlb-tiers/venv',
      'import = /opt/nlb-tiers/app_environment.py',
      'socket = 0.0.0.0:9090',
      'listen = 1024',
      'master = true',
      'lazy-apps = true',
      'master-fifo = /run/nlb-tiers-app/master.fifo',
      'stats = /run/nlb-tiers-app/stats.sock',
      'processes = 2',
      'threads = 2',
      'enable-threads = true',
      'need-app = true',
      'vacuum = true',
      'logto = /var/log/nlb-tiers/uwsgi.log',
      'disable-logging = true',
      'log-4xx = true',
      'log-5xx = true',
    ]);
  });
});

describe('renderUwsgiService', () => {
  test('runs uWSGI from the virtualenv, restarts it when it fails, reloads it with the reload command', () => {
    const unit = renderUwsgiService({ port: 9090, processes: 2 });

    expect(unit).toContain('ExecStart=/opt/nlb-tiers/venv/bin/uwsgi --ini /opt/nlb-tiers/uwsgi.ini');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartSec=3$/m);
    expect(unit).toMatch(/^KillSignal=SIGQUIT$/m);
    // Within systemd's timeout, which gives each worker of a chain reload its time to load the app, in turn.
    expect(unit).toMatch(/^TimeoutStartSec=120$/m);
    expect(renderUwsgiService({ port: 9090, processes: 8 })).toMatch(/^TimeoutStartSec=300$/m);
    expect(renderUwsgiService({ port: 9090, processes: 8 })).toMatch(/ \$MAINPID 290$/m);
    // The secrets are fetched, as root, before every start and, first, at every reload, into a tmpfs folder of the app user's.
    const fetch = '+/usr/bin/python3 /opt/nlb-tiers/app_secrets.py fetch /opt/nlb-tiers/app-secrets.json /run/nlb-tiers-app/secrets.json flaskapp';
    const lines = unit.split('\n');
    expect(lines.filter(l => /^Exec(StartPre|Reload)=/.test(l))).toEqual([
      `ExecStartPre=${fetch}`,
      // As the app user: which uwsgi.ini the master starts with, in the runtime folder.
      'ExecStartPre=/opt/nlb-tiers/venv/bin/python /opt/nlb-tiers/uwsgi_reload.py record /run/nlb-tiers-app /opt/nlb-tiers/uwsgi.ini',
      `ExecReload=${fetch}`,
      'ExecReload=/opt/nlb-tiers/venv/bin/python /opt/nlb-tiers/uwsgi_reload.py reload /run/nlb-tiers-app /opt/nlb-tiers/uwsgi.ini $MAINPID 110',
    ]);
    expect(lines).toEqual(expect.arrayContaining(['RuntimeDirectory=nlb-tiers-app', 'RuntimeDirectoryMode=0700']));
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
  });
});

describe('renderUwsgiService: the user and the capability', () => {
  const service = (port: number) => renderUwsgiService({ port, processes: 2 }).split('\n').filter(l => l && !l.startsWith('#'));

  test.each([1024, 3031, 9090, 65535])('port %d: uWSGI runs as the app user, with no capability', port => {
    expect(service(port)).toEqual(expect.arrayContaining(['User=flaskapp', 'Group=flaskapp']));
    expect(service(port).join('\n')).not.toMatch(/Capabilit/);
  });

  test.each([1, 80, 443, 1023])('port %d: uWSGI runs as the app user with CAP_NET_BIND_SERVICE, and nothing more', port => {
    const lines = service(port);
    expect(lines).toEqual(expect.arrayContaining(['User=flaskapp', 'Group=flaskapp', 'AmbientCapabilities=CAP_NET_BIND_SERVICE']));
    expect(lines.filter(l => /Capabilit/.test(l))).toEqual(['AmbientCapabilities=CAP_NET_BIND_SERVICE']);
  });

  test('a port not known at synthesis gets the capability', () => {
    expect(service(Token.asNumber({ Ref: 'Port' }))).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE');
  });

  test('the ini leaves the user to systemd: uWSGI would otherwise drop root before binding its socket', () => {
    expect(renderUwsgiIni({ port: 80, module: 'run', callable: 'app', processes: 1, threads: 1 })).not.toMatch(/^(uid|gid) =/m);
  });
});

describe('stagePlaybook', () => {
  const options = (port: number): PlaybookOptions => ({
    port,
    module: 'run',
    callable: 'app',
    processes: 2,
    threads: 2,
    systemPackages: [],
    pipPackages: ['Flask'],
    appDirectory: path.join(__dirname, '..', 'assets', 'default-app'),
  });
  // A temporary folder of this test's own, so that other test files' syntheses do not count.
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-playbook-test-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the same playbook staged twice is one folder named after its content, and nothing else is left behind', () => {
    const first = stagePlaybook(options(9090), undefined, tmp);
    const second = stagePlaybook(options(9090), undefined, tmp);

    expect(second).toBe(first);
    expect(fs.readdirSync(tmp)).toEqual([path.basename(first)]);
    expect(path.basename(first)).toMatch(/^nlb-tiers-playbook-[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(first, 'files', 'uwsgi.ini'), 'utf-8')).toContain('socket = 0.0.0.0:9090');
  });

  test('another playbook gets a folder of its own', () => {
    expect(stagePlaybook(options(9191), undefined, tmp)).not.toBe(stagePlaybook(options(9090), undefined, tmp));
    expect(fs.readdirSync(tmp)).toHaveLength(2);
  });
});
