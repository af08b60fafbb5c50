import * as path from 'path';
import { renderSignalOnExit, renderTemplate, ResourceSignalTarget } from '@nlb-tiers/core/helpers-internal';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** What the web server proxies to, and how. */
export interface ProxyConfigOptions {
  readonly httpPort: number;
  /** The names of the upstream, one balancer member each: an NLB's zonal names, or its one name. */
  readonly upstreamHosts: string[];
  /**
   * Whether the names are zonal, each with an address that never changes (an NLB node's static
   * address in its zone): httpd then resolves each once. A single regional name is resolved again
   * for every request, so that requests follow its DNS.
   */
  readonly zonal: boolean;
  readonly upstreamPort: number;
  /** How many more times a request is sent after its connection failed. */
  readonly failoverAttempts: number;
  readonly connectTimeoutSeconds: number;
  readonly timeoutSeconds: number;
}

/** Renders the httpd configuration that proxies every request to the uwsgi upstream. */
export function renderProxyConfig(options: ProxyConfigOptions): string {
  return renderTemplate(path.join(ASSETS, 'uwsgi-proxy.conf'), {
    // httpd.conf of Amazon Linux already listens on 80; a second `Listen 80` would not start.
    listenDirective: options.httpPort === 80 ? '# httpd.conf already listens on port 80.' : `Listen ${options.httpPort}`,
    balancerMembers: options.upstreamHosts.map(host =>
      `    BalancerMember "uwsgi://${host}:${options.upstreamPort}" retry=0 ${options.zonal ? '' : 'disablereuse=On '}`
      + `connectiontimeout=${options.connectTimeoutSeconds} timeout=${options.timeoutSeconds}`).join('\n'),
    failoverAttempts: options.failoverAttempts,
  }).trimEnd();
}

/** What the provisioning script needs besides the proxy: where to signal, and how long to wait for the upstream. */
export interface ProvisioningScriptOptions extends ProxyConfigOptions {
  /** The instance's CreationPolicy, which the script signals when it exits. */
  readonly signal: ResourceSignalTarget;
  /** How long the script waits for httpd to answer through the upstream (the app servers may still be provisioning). */
  readonly answerWaitSeconds: number;
}

/**
 * Renders the shell script the provisioning association runs (the `commands` of
 * AWS-RunShellScript): install and configure httpd, wait until it answers through the upstream,
 * and signal the outcome.
 */
export function renderProvisioningScript(options: ProvisioningScriptOptions): string {
  return renderTemplate(path.join(ASSETS, 'provision-web-server.sh'), {
    signalOnExit: renderSignalOnExit(options.signal),
    proxyConfig: renderProxyConfig(options),
    httpPort: options.httpPort,
    answerWaitSeconds: options.answerWaitSeconds,
  });
}
