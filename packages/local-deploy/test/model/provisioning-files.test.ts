import { debianPackagesForPip, readRequirements } from '../../src/model/os-packages';
import { parseServiceUnit } from '../../src/model/systemd-unit';
import { localUwsgiIni, uwsgiSocketPort } from '../../src/model/uwsgi-ini';
import { listenPorts, readWebServerScript } from '../../src/model/web-server-provisioning';

describe('localUwsgiIni', () => {
  const original = [
    '[uwsgi]',
    'chdir = /opt/nlb-tiers/app',
    'module = run:app',
    'virtualenv = /opt/nlb-tiers/venv',
    'socket = 0.0.0.0:9090',
    'uid = flaskapp',
    'gid = flaskapp',
    'need-app = true',
  ].join('\n');
  const local = localUwsgiIni(original, { appDir: '/opt/nlb-tiers/app', localAppDir: '/run/x/app1/opt/nlb-tiers/app', uid: 'nobody', gid: 'nogroup' });

  test('loads Debian\'s python3 plugin and drops the virtualenv', () => {
    expect(local).toMatch(/^\[uwsgi\]\n; .*\nplugins = python3$/m);
    expect(local).not.toMatch(/^virtualenv/m);
  });

  test('re-roots the app folder and maps the service user; keeps every other option', () => {
    expect(local).toMatch(/^chdir = \/run\/x\/app1\/opt\/nlb-tiers\/app$/m);
    expect(local).toMatch(/^uid = nobody$/m);
    expect(local).toMatch(/^gid = nogroup$/m);
    expect(local).toMatch(/^module = run:app$/m);
    expect(local).toMatch(/^need-app = true$/m);
    expect(uwsgiSocketPort(local)).toBe(9090);
  });
});

describe('parseServiceUnit', () => {
  test('reads Restart=, RestartSec= and KillSignal=', () => {
    const unit = parseServiceUnit('[Unit]\nDescription=x\n[Service]\nExecStart=/bin/x\nRestart=on-failure\nRestartSec=3\nKillSignal=SIGQUIT\n');
    expect(unit).toEqual({ execStart: '/bin/x', restart: { restart: 'on-failure', restartSeconds: 3 }, killSignal: 'SIGQUIT' });
  });

  test('applies systemd\'s defaults', () => {
    expect(parseServiceUnit('[Service]\nExecStart=/bin/x\n')).toEqual({ execStart: '/bin/x', restart: { restart: 'no', restartSeconds: 0.1 }, killSignal: 'SIGTERM' });
    expect(parseServiceUnit('[Service]\nRestart=always\nRestartSec=500ms\n').restart).toEqual({ restart: 'always', restartSeconds: 0.5 });
  });

  test('refuses a Restart= it does not emulate', () => {
    expect(() => parseServiceUnit('[Service]\nRestart=on-watchdog\n')).toThrow(/Restart=on-watchdog is not supported locally/);
  });
});

describe('readWebServerScript', () => {
  const script = [
    'yum install -y httpd',
    'cat > "$new_conf" <<\'NLB_TIERS_PROXY_CONF\'',
    'Listen 8080',
    'ProxyPass "/" "uwsgi://nlb.local:9191/"',
    'NLB_TIERS_PROXY_CONF',
    'httpd -t',
  ];

  test('takes the heredoc verbatim, its Listen port and the packages', () => {
    expect(readWebServerScript(script)).toEqual({
      proxyConfig: 'Listen 8080\nProxyPass "/" "uwsgi://nlb.local:9191/"\n',
      listenPort: 8080,
      debianPackages: ['apache2-bin'],
    });
  });

  test('without Listen, the site is on the distribution\'s port 80', () => {
    expect(readWebServerScript(script.filter(l => !l.startsWith('Listen')))!.listenPort).toBe(80);
    expect(listenPorts('Listen 10.0.0.1:81\n# Listen 82\nListen 83')).toEqual([81, 83]);
  });

  test('a script without the proxy configuration is not recognized', () => {
    expect(readWebServerScript(['#!/bin/bash', 'echo hi'])).toBeUndefined();
  });
});

describe('pip to Debian packages', () => {
  test.each([
    ['uwsgi==2.0.28', ['uwsgi-core', 'uwsgi-plugin-python3']],
    ['flask==3.1.1', ['python3-flask']],
    ['Jinja2>=3', ['python3-jinja2']],
    ['python_dateutil', ['python3-python-dateutil']],
  ])('%s', (requirement, expected) => {
    expect(debianPackagesForPip(requirement)).toEqual(expected);
  });

  test('reads requirements.txt without comments and options', () => {
    expect(readRequirements('# app\nflask==3.1.1\n-r other.txt\n\nrequests # http\n')).toEqual(['flask==3.1.1', 'requests']);
  });
});
