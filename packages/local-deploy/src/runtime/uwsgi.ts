import * as fs from 'fs';
import * as path from 'path';
import { ProcessSpec } from './supervisor';
import { Host, UwsgiService } from '../model/topology';
import { localUwsgiIni } from '../model/uwsgi-ini';

/** Debian's uWSGI core binary; the Python support is the python3 plugin. */
export const UWSGI_BINARY = '/usr/bin/uwsgi-core';
/** The service user of the playbook maps to Debian's unprivileged user (no user is created locally). */
const LOCAL_USER = { uid: 'nobody', gid: 'nogroup' };

/**
 * Does locally what the playbook does on an instance: copies the app to its folder (re-rooted under
 * the host's folder), writes uwsgi.ini adapted to Debian's uWSGI, and returns the supervised
 * process that stands for the systemd unit.
 */
export function prepareUwsgi(hostDir: string, namespace: string, host: Host, service: UwsgiService): ProcessSpec {
  const localAppDir = path.join(hostDir, service.appDir);
  fs.cpSync(service.appSourceDir, localAppDir, { recursive: true });
  fs.chmodSync(hostDir, 0o755);
  const iniPath = path.join(hostDir, 'uwsgi.ini');
  fs.writeFileSync(iniPath, localUwsgiIni(service.originalIni, { appDir: service.appDir, localAppDir, ...LOCAL_USER }));
  return {
    name: `${host.name}/uwsgi`,
    namespace,
    argv: [UWSGI_BINARY, '--ini', iniPath],
    logFile: path.join(hostDir, 'uwsgi.log'),
    restart: service.restart,
    killSignal: service.killSignal,
  };
}
