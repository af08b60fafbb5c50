import { renderUwsgiIni, renderUwsgiService } from '../src/private/uwsgi-config';

describe('renderUwsgiIni', () => {
  test('serves the app with the uwsgi protocol on a TCP socket, as the unprivileged app user', () => {
    const ini = renderUwsgiIni({ port: 9090, module: 'run', callable: 'app', processes: 2, threads: 2 });

    expect(ini.split('\n').filter(l => l && !l.startsWith(';'))).toEqual([
      '[uwsgi]',
      'chdir = /opt/nlb-tiers/app',
      'module = run:app',
      'virtualenv = /opt/nlb-tiers/venv',
      'socket = 0.0.0.0:9090',
      'listen = 1024',
      'master = true',
      'processes = 2',
      'threads = 2',
      'uid = flaskapp',
      'gid = flaskapp',
      'need-app = true',
      'vacuum = true',
      'disable-logging = true',
      'log-4xx = true',
      'log-5xx = true',
    ]);
  });
});

describe('renderUwsgiService', () => {
  test('runs uWSGI from the virtualenv and restarts it when it fails', () => {
    const unit = renderUwsgiService();

    expect(unit).toContain('ExecStart=/opt/nlb-tiers/venv/bin/uwsgi --ini /opt/nlb-tiers/uwsgi.ini');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartSec=3$/m);
    expect(unit).toMatch(/^KillSignal=SIGQUIT$/m);
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
  });
});
