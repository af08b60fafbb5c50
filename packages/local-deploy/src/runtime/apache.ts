import * as fs from 'fs';
import * as path from 'path';
import { ProcessSpec } from './supervisor';
import { ApacheService, Host } from '../model/topology';
import { DISTRIBUTION_HTTP_PORT, listenPorts } from '../model/web-server-provisioning';

/** Debian's Apache binary and module folder. */
export const APACHE_BINARY = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

/**
 * The main configuration of a private Apache instance: what the distribution's httpd.conf provides
 * to the provisioning script (Listen 80, the event MPM, mod_proxy and mod_proxy_uwsgi), plus the
 * proxy configuration the association writes, included unchanged. Pure: returns text.
 */
export function apacheConfig(dir: string, service: ApacheService, host: Pick<Host, 'name' | 'address'>): string {
  return [
    `ServerRoot "${dir}"`,
    `ServerName ${host.name}`,
    `PidFile "${dir}/run/httpd.pid"`,
    `DefaultRuntimeDir "${dir}/run"`,
    `ErrorLog "${dir}/logs/error.log"`,
    'LogLevel warn',
    ...['mpm_event', 'authz_core', 'proxy', 'proxy_uwsgi'].map(m => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    'User www-data',
    'Group www-data',
    // What the distribution's httpd.conf listens on, unless the proxy configuration does already.
    ...(listenPorts(service.proxyConfig).includes(DISTRIBUTION_HTTP_PORT) ? [] : [`Listen ${DISTRIBUTION_HTTP_PORT}`]),
    'LogFormat "%a \\"%r\\" %>s %b %D" local',
    `CustomLog "${dir}/logs/access.log" local`,
    `Include "${dir}/conf.d/*.conf"`,
    '',
  ].join('\n');
}

/** Writes the configuration of a host's Apache and returns how to run it in the foreground. */
export function prepareApache(hostDir: string, namespace: string, host: Host, service: ApacheService): ProcessSpec {
  const dir = path.join(hostDir, 'httpd');
  for (const sub of ['conf.d', 'run', 'logs']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'conf.d', 'nlb-tiers-uwsgi-proxy.conf'), service.proxyConfig);
  fs.writeFileSync(path.join(dir, 'httpd.conf'), apacheConfig(dir, service, host));
  return {
    name: `${host.name}/httpd`,
    namespace,
    argv: [APACHE_BINARY, '-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND'],
    logFile: path.join(dir, 'logs', 'stdout.log'),
    restart: service.restart,
    killSignal: 'SIGTERM',
  };
}
