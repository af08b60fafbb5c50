import * as path from 'path';
import {
  renderCloudWatchAgentStep, renderProvisioningOutputCopy, renderSignalOnExit, renderTemplate, ResourceSignalTarget,
} from '@nlb-tiers/core/helpers-internal';
import { Token } from 'aws-cdk-lib';

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

/**
 * The port mod_proxy_uwsgi takes for the scheme's default (`UWSGI_DEFAULT_PORT`). Its canon hook
 * leaves this port out of the URL it rewrites (`if (port != UWSGI_DEFAULT_PORT)`), and mod_proxy
 * then fills a missing port in with `ap_proxy_port_of_scheme("uwsgi")`, which knows no uwsgi and
 * returns 0: httpd connects to port 0 (AH00957). Since httpd 2.4.62 a balancer member's URL goes
 * through the same canon hook (`balancer_fixup`), so members on 3031 fail too.
 *
 * @see https://github.com/apache/httpd/blob/2.4.62/modules/proxy/mod_proxy_uwsgi.c
 * @see https://github.com/apache/httpd/blob/2.4.62/modules/proxy/proxy_util.c (ap_proxy_determine_connection, ap_proxy_port_of_scheme)
 * @see https://github.com/unbit/uwsgi/issues/2468
 */
export const MOD_PROXY_UWSGI_DEFAULT_PORT = 3031;

/**
 * `ProxyRemote` lines that give httpd the upstream's port back when mod_proxy_uwsgi dropped it.
 *
 * mod_proxy hands a request whose URL starts with a `ProxyRemote` match to the scheme handler
 * with the remote's host and port, and `ap_proxy_determine_connection` connects there instead of
 * to the URL's host and port (mod_proxy.c `proxy_handler`, proxy_util.c). The match is the URL as
 * the canon hook leaves it, `uwsgi://<host>/...` with no port: it matches only when the port was
 * dropped, so an httpd that keeps the port never uses these lines. Written for 3031 and for a port
 * not known at synthesis (a token): with any other port they match nothing.
 */
export function defaultPortWorkaround(hosts: string[], port: number): string[] {
  if (!Token.isUnresolved(port) && port !== MOD_PROXY_UWSGI_DEFAULT_PORT) return [];
  return hosts.map(host => `ProxyRemote "uwsgi://${host}/" "uwsgi://${host}:${port}"`);
}

/** Renders the httpd configuration that proxies every request to the uwsgi upstream. */
export function renderProxyConfig(options: ProxyConfigOptions): string {
  const workaround = defaultPortWorkaround(options.upstreamHosts, options.upstreamPort);
  return renderTemplate(path.join(ASSETS, 'uwsgi-proxy.conf'), {
    // httpd.conf of Amazon Linux already listens on 80; a second `Listen 80` would not start.
    listenDirective: options.httpPort === 80 ? '# httpd.conf already listens on port 80.' : `Listen ${options.httpPort}`,
    balancerMembers: options.upstreamHosts.map(host =>
      `    BalancerMember "uwsgi://${host}:${options.upstreamPort}" retry=0 ${options.zonal ? '' : 'disablereuse=On '}`
      + `connectiontimeout=${options.connectTimeoutSeconds} timeout=${options.timeoutSeconds}`).join('\n'),
    failoverAttempts: options.failoverAttempts,
    defaultPortWorkaround: workaround.length === 0 ? '' : [
      '# mod_proxy_uwsgi drops port 3031, its scheme\'s default, from the URL and httpd would connect to port 0',
      '# (https://github.com/unbit/uwsgi/issues/2468): connect to the upstream\'s port through ProxyRemote instead.',
      '# A refused connection is then not sent again: mod_proxy retries only direct connections.',
      ...workaround,
    ].join('\n'),
  }).replace(/\n{2,}/g, '\n').trimEnd();
}

/** What the provisioning script needs besides the proxy: where to signal, and how long to wait for the upstream. */
export interface ProvisioningScriptOptions extends ProxyConfigOptions {
  /** The instance's CreationPolicy, which the script signals when it exits. */
  readonly signal: ResourceSignalTarget;
  /** How long the script waits for httpd to answer through the upstream (the app servers may still be provisioning). */
  readonly answerWaitSeconds: number;
  /** The CloudWatch agent's configuration (JSON on one line) that ships the server's logs. */
  readonly cloudWatchAgentConfig: string;
}

/**
 * Renders the shell script the provisioning association runs (the `commands` of
 * AWS-RunShellScript): keep its output for the CloudWatch agent, install httpd and the agent,
 * configure httpd, wait until it answers through the upstream,
 * and signal the outcome.
 */
export function renderProvisioningScript(options: ProvisioningScriptOptions): string {
  return renderTemplate(path.join(ASSETS, 'provision-web-server.sh'), {
    provisioningOutput: renderProvisioningOutputCopy(),
    signalOnExit: renderSignalOnExit(options.signal),
    cloudWatchAgent: renderCloudWatchAgentStep(options.cloudWatchAgentConfig),
    proxyConfig: renderProxyConfig(options),
    httpPort: options.httpPort,
    answerWaitSeconds: options.answerWaitSeconds,
  });
}
