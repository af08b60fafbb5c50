import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTemplate } from '@nlb-tiers/core/helpers-internal';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** Where things live on an app server, and how uWSGI runs. */
export interface AppServerLayout {
  readonly appDir: string;
  readonly venvDir: string;
  readonly iniPath: string;
  readonly serviceName: string;
  readonly user: string;
}

/** The layout every fleet uses. */
export const APP_SERVER_LAYOUT: AppServerLayout = {
  appDir: '/opt/nlb-tiers/app',
  venvDir: '/opt/nlb-tiers/venv',
  iniPath: '/opt/nlb-tiers/uwsgi.ini',
  serviceName: 'uwsgi',
  user: 'flaskapp',
};

/** How uWSGI serves the app. */
export interface UwsgiOptions {
  readonly port: number;
  readonly module: string;
  readonly callable: string;
  readonly processes: number;
  readonly threads: number;
}

/** Renders `uwsgi.ini`: the uwsgi protocol on a TCP socket, the app, the workers. */
export function renderUwsgiIni(options: UwsgiOptions, layout: AppServerLayout = APP_SERVER_LAYOUT): string {
  return renderTemplate(path.join(ASSETS, 'uwsgi.ini'), {
    appDir: layout.appDir,
    venvDir: layout.venvDir,
    user: layout.user,
    port: options.port,
    module: options.module,
    callable: options.callable,
    processes: options.processes,
    threads: options.threads,
  });
}

/** Renders the systemd unit that runs uWSGI and restarts it when it fails. */
export function renderUwsgiService(layout: AppServerLayout = APP_SERVER_LAYOUT): string {
  return renderTemplate(path.join(ASSETS, 'uwsgi.service'), {
    venvDir: layout.venvDir,
    iniPath: layout.iniPath,
  });
}

/** Everything the playbook needs besides its files. */
export interface PlaybookOptions extends UwsgiOptions {
  readonly appDirectory: string;
  readonly systemPackages: string[];
  readonly pipPackages: string[];
}

/**
 * Writes the playbook folder that is zipped into the provisioning asset:
 * `playbook.yml` and `vars.json` at the root, the files it copies under `files/`.
 */
export function stagePlaybook(options: PlaybookOptions, layout: AppServerLayout = APP_SERVER_LAYOUT): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-playbook-'));
  const files = path.join(dir, 'files');
  fs.cpSync(path.join(ASSETS, 'playbook'), dir, { recursive: true });
  fs.cpSync(options.appDirectory, path.join(files, 'app'), {
    recursive: true,
    filter: src => !/(^|[/\\])(__pycache__|\.venv|venv|\.git)$/.test(src) && !src.endsWith('.pyc'),
  });
  fs.writeFileSync(path.join(files, 'uwsgi.ini'), renderUwsgiIni(options, layout));
  fs.writeFileSync(path.join(files, 'uwsgi.service'), renderUwsgiService(layout));
  const vars = {
    system_packages: options.systemPackages,
    pip_packages: options.pipPackages,
    service_user: layout.user,
    service_name: layout.serviceName,
    app_dir: layout.appDir,
    venv_dir: layout.venvDir,
    uwsgi_ini: layout.iniPath,
    uwsgi_port: options.port,
    app_has_requirements: fs.existsSync(path.join(options.appDirectory, 'requirements.txt')),
  };
  fs.writeFileSync(path.join(dir, 'vars.json'), JSON.stringify(vars, undefined, 2) + '\n');
  return dir;
}
