import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTemplate } from '@nlb-tiers/core/helpers-internal';
import { FileSystem, Token } from 'aws-cdk-lib';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** Where things live on an app server, and how uWSGI runs. */
export interface AppServerLayout {
  readonly appDir: string;
  readonly venvDir: string;
  readonly iniPath: string;
  /** The unit's ExecReload= command: a reload of uWSGI that serves throughout and returns once every worker runs the new app. */
  readonly reloadCommand: string;
  readonly serviceName: string;
  readonly user: string;
  /** The app's plain environment variables (JSON), deployed by the playbook. */
  readonly environmentFile: string;
  /** The references of the app's secrets (JSON: names and ARNs, no value), deployed by the playbook. */
  readonly secretReferences: string;
  /** The command that fetches the secrets' values (app_secrets.py). */
  readonly secretsCommand: string;
  /** The Python file uWSGI imports before the app: it sets the variables (app_environment.py). */
  readonly environmentLoader: string;
  /** The unit's RuntimeDirectory=, relative to /run (a tmpfs). */
  readonly runtimeDirectory: string;
  /** That directory's path: uWSGI's master FIFO and stats socket, and what the reload command notes, are in it. */
  readonly runtimePath: string;
  /** The fetched values (JSON), in that runtime directory. */
  readonly secretsFile: string;
  /** uWSGI's log (`logto`), with the app's output: written by the app user, shipped by the CloudWatch agent. */
  readonly logFile: string;
}

/** The layout every fleet uses. */
export const APP_SERVER_LAYOUT: AppServerLayout = {
  appDir: '/opt/nlb-tiers/app',
  venvDir: '/opt/nlb-tiers/venv',
  iniPath: '/opt/nlb-tiers/uwsgi.ini',
  reloadCommand: '/opt/nlb-tiers/uwsgi_reload.py',
  serviceName: 'uwsgi',
  user: 'flaskapp',
  environmentFile: '/opt/nlb-tiers/environment.json',
  secretReferences: '/opt/nlb-tiers/app-secrets.json',
  secretsCommand: '/opt/nlb-tiers/app_secrets.py',
  environmentLoader: '/opt/nlb-tiers/app_environment.py',
  runtimeDirectory: 'nlb-tiers-app',
  runtimePath: '/run/nlb-tiers-app',
  secretsFile: '/run/nlb-tiers-app/secrets.json',
  logFile: '/var/log/nlb-tiers/uwsgi.log',
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
    environmentLoader: layout.environmentLoader,
    logFile: layout.logFile,
    runtimePath: layout.runtimePath,
    port: options.port,
    module: options.module,
    callable: options.callable,
    processes: options.processes,
    threads: options.threads,
  });
}

/**
 * How long one worker may take to load the app in a reload: the workers of a chain reload load it in
 * turn, so the unit's TimeoutStartSec= (which systemd gives ExecReload= too) grows with their number.
 */
const WORKER_LOAD_SECONDS = 30;

/** Ports below this one need CAP_NET_BIND_SERVICE to be bound (capabilities(7)). */
const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * Renders the systemd unit that runs uWSGI, as the app user, and restarts it when it fails.
 *
 * systemd drops to `User=` and `Group=` before it starts uWSGI. A port below 1024 needs
 * CAP_NET_BIND_SERVICE, which `AmbientCapabilities=` keeps for the unprivileged process and its
 * children; other ports get no capability. A port not known at synthesis (a token) gets it.
 *
 * @see https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#AmbientCapabilities=
 * @see https://man7.org/linux/man-pages/man7/capabilities.7.html (CAP_NET_BIND_SERVICE)
 */
export function renderUwsgiService(options: Pick<UwsgiOptions, 'port' | 'processes'>, layout: AppServerLayout = APP_SERVER_LAYOUT): string {
  const port = options.port;
  const privileged = Token.isUnresolved(port) || port < FIRST_UNPRIVILEGED_PORT;
  const timeoutSeconds = 60 + WORKER_LOAD_SECONDS * options.processes;
  return renderTemplate(path.join(ASSETS, 'uwsgi.service'), {
    venvDir: layout.venvDir,
    iniPath: layout.iniPath,
    reloadCommand: layout.reloadCommand,
    user: layout.user,
    runtimeDirectory: layout.runtimeDirectory,
    runtimePath: layout.runtimePath,
    timeoutSeconds,
    // The command gives up, saying why, before systemd would kill it.
    reloadTimeoutSeconds: timeoutSeconds - 10,
    fetchSecrets: `/usr/bin/python3 ${layout.secretsCommand} fetch ${layout.secretReferences} ${layout.secretsFile} ${layout.user}`,
    capabilities: privileged
      ? '# The port is below 1024: binding it needs CAP_NET_BIND_SERVICE, and only that.\nAmbientCapabilities=CAP_NET_BIND_SERVICE'
      : '# The port is 1024 or above: no capability.',
  });
}

/**
 * Renders the module uWSGI imports before it loads the app (in every worker it starts, lazy-apps):
 * it sets the plain variables and the fetched secrets in the worker's environment.
 */
export function renderEnvironmentLoader(layout: AppServerLayout = APP_SERVER_LAYOUT): string {
  return renderTemplate(path.join(ASSETS, 'app_environment.py'), { environmentFile: layout.environmentFile, secretsFile: layout.secretsFile });
}

/** Everything the playbook needs besides its files. */
export interface PlaybookOptions extends UwsgiOptions {
  readonly appDirectory: string;
  /** The app's plain environment variables. */
  readonly environment: Record<string, string>;
  readonly systemPackages: string[];
  readonly pipPackages: string[];
}

/**
 * Writes the playbook folder that is zipped into the provisioning asset:
 * `playbook.yml` and `vars.json` at the root, the files it copies under `files/`.
 *
 * The folder is named after its content (`nlb-tiers-playbook-<fingerprint>` in the system's
 * temporary folder), so every synthesis of the same playbook reuses one folder instead of leaving
 * a new one behind. It cannot be removed after synthesis: with asset staging disabled (as the SAM
 * CLI does), the asset points at it.
 */
export function stagePlaybook(options: PlaybookOptions, layout: AppServerLayout = APP_SERVER_LAYOUT, parent = os.tmpdir()): string {
  return stageByContent('nlb-tiers-playbook', dir => writePlaybook(dir, options, layout), parent);
}

/**
 * Writes a folder with `write` and names it after its content (`<prefix>-<fingerprint>` in `parent`):
 * every synthesis of the same content reuses one folder instead of leaving a new one behind.
 */
export function stageByContent(prefix: string, write: (dir: string) => void, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, `${prefix}-`));
  write(dir);
  const named = path.join(parent, `${prefix}-${FileSystem.fingerprint(dir)}`);
  try {
    fs.renameSync(dir, named);
  } catch (e) {
    // Already there, from an earlier synthesis (or a concurrent one): same content, same name.
    if (!fs.existsSync(named)) throw e;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return named;
}

function writePlaybook(dir: string, options: PlaybookOptions, layout: AppServerLayout) {
  const files = path.join(dir, 'files');
  // Python's bytecode cache of a development tree is no part of the asset.
  fs.cpSync(path.join(ASSETS, 'playbook'), dir, { recursive: true, filter: src => !src.endsWith('__pycache__') });
  fs.cpSync(options.appDirectory, path.join(files, 'app'), {
    recursive: true,
    filter: src => !/(^|[/\\])(__pycache__|\.venv|venv|\.git)$/.test(src) && !src.endsWith('.pyc'),
  });
  fs.writeFileSync(path.join(files, 'uwsgi.ini'), renderUwsgiIni(options, layout));
  fs.writeFileSync(path.join(files, 'uwsgi.service'), renderUwsgiService(options, layout));
  fs.writeFileSync(path.join(files, 'app_environment.py'), renderEnvironmentLoader(layout));
  fs.writeFileSync(path.join(files, 'environment.json'), JSON.stringify(options.environment, undefined, 2) + '\n');
  const vars = {
    system_packages: options.systemPackages,
    pip_packages: options.pipPackages,
    service_user: layout.user,
    service_name: layout.serviceName,
    app_dir: layout.appDir,
    venv_dir: layout.venvDir,
    uwsgi_ini: layout.iniPath,
    uwsgi_reload: layout.reloadCommand,
    uwsgi_log: layout.logFile,
    uwsgi_port: options.port,
    app_environment: layout.environmentFile,
    environment_loader: layout.environmentLoader,
    secret_references: layout.secretReferences,
    secrets_command: layout.secretsCommand,
    secrets_file: layout.secretsFile,
    app_has_requirements: fs.existsSync(path.join(options.appDirectory, 'requirements.txt')),
  };
  fs.writeFileSync(path.join(dir, 'vars.json'), JSON.stringify(vars, undefined, 2) + '\n');
}
