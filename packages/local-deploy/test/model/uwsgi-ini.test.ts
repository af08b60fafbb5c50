import { localUwsgiIni, uwsgiSocketPort } from '../../src/model/uwsgi-ini';

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
