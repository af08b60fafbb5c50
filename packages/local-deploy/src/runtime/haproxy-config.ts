import { RedirectListener } from '../model/topology';

/** A target HAProxy forwards to. */
export interface ProxyTarget {
  readonly id: string;
  readonly address: string;
  readonly port: number;
}

/** An HTTPS listener's TLS: the PEM file (certificate, chain, key) and the lowest version accepted. */
export interface ProxyTls {
  readonly pemFile: string;
  readonly minimumTlsVersion: '1.0' | '1.1' | '1.2' | '1.3';
}

/** What the HTTP proxy of an Application Load Balancer serves. */
export interface ProxyConfig {
  readonly address: string;
  /** The master process's PID file: a reload is SIGUSR2 to that PID. */
  readonly pidFile: string;
  readonly forwards: ReadonlyArray<{
    readonly port: number;
    readonly tls?: ProxyTls;
    readonly targetGroupArn: string;
    /** The targets in service now (the health checker's choice, fail-open included). */
    readonly targets: readonly ProxyTarget[];
  }>;
  readonly redirects: ReadonlyArray<Pick<RedirectListener, 'port' | 'redirect'> & { readonly tls?: ProxyTls }>;
}

/**
 * The HAProxy configuration of an Application Load Balancer: one frontend per listener on the
 * balancer's address, HTTPS terminated with the local CA's certificate, forward listeners to a
 * round-robin backend of the targets in service, redirect listeners answering every request with
 * the redirect. Health is not checked here: the balancer's health checker decides which targets
 * are in service (ALB semantics: first passed check, thresholds, fail-open) and rewrites this file.
 *
 * An ALB routes with round robin unless the target group says otherwise; it sets X-Forwarded-For,
 * -Proto and -Port; its idle timeout is 60 s; with no target registered it answers 503.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#modify-routing-algorithm
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-503-issues
 */
export function haproxyConfig(config: ProxyConfig): string {
  const lines = [
    'global',
    `  pidfile ${config.pidFile}`,
    '  log stdout format raw local0 notice',
    '',
    'defaults',
    '  mode http',
    '  log global',
    // The health checker reloads HAProxy on every change of the targets in service; an ALB changes
    // nothing for its clients then. By default the old process closes idle keep-alive connections
    // at once, and a client that has just sent its next request on one sees a reset. With this
    // option it answers that request and closes the connection after it (HAProxy 2.6+).
    // https://docs.haproxy.org/2.6/configuration.html#4-option%20idle-close-on-response
    '  option idle-close-on-response',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-request 60s',
  ];
  for (const f of config.forwards) {
    const backend = backendName(f.targetGroupArn);
    lines.push('', `frontend listener-${f.port}`, bindLine(config.address, f.port, f.tls),
      '  option forwardfor',
      `  http-request set-header X-Forwarded-Proto ${f.tls ? 'https' : 'http'}`,
      `  http-request set-header X-Forwarded-Port ${f.port}`,
      `  default_backend ${backend}`);
    if (!config.forwards.slice(0, config.forwards.indexOf(f)).some(o => o.targetGroupArn === f.targetGroupArn)) {
      lines.push('', `backend ${backend}`, '  balance roundrobin', ...f.targets.map(t => `  server ${t.id} ${t.address}:${t.port}`));
    }
  }
  for (const r of config.redirects) {
    const location = redirectLocation(r.redirect, r.tls ? 'https' : 'http', r.port);
    lines.push('', `frontend listener-${r.port}`, bindLine(config.address, r.port, r.tls),
      `  http-request redirect location ${location}?%[query] code ${r.redirect.statusCode} if { query -m found }`,
      `  http-request redirect location ${location} code ${r.redirect.statusCode}`);
  }
  return lines.join('\n') + '\n';
}

function bindLine(address: string, port: number, tls: ProxyTls | undefined): string {
  return `  bind ${address}:${port}${tls ? ` ssl crt ${tls.pemFile} ssl-min-ver TLSv${tls.minimumTlsVersion}` : ''}`;
}

/** A backend's name: the target group's name and id from its ARN (`targetgroup/<name>/<id>`). */
function backendName(arn: string): string {
  return `tg-${arn.split(':targetgroup/')[1]?.replace(/\//g, '-') ?? arn.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/**
 * The Location of a redirect, in HAProxy's log format, without the query: `#{protocol}`, `#{host}`,
 * `#{port}` and `#{path}` (the request's path without its leading "/") become the request's; the
 * scheme's default port is left out, which names the same listener.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-elasticloadbalancingv2-listener-redirectconfig.html
 */
export function redirectLocation(redirect: RedirectListener['redirect'], listenerScheme: 'http' | 'https', listenerPort: number): string {
  const literal = (s: string) => s.replace(/%/g, '%%').replace(/[\s"]/g, c => encodeURIComponent(c));
  const expand = (s: string) => literal(s).split(/(#\{(?:host|port|path|protocol)\})/).map(part => ({
    '#{host}': '%[req.hdr(host),field(1,:)]',
    '#{port}': String(listenerPort),
    '#{path}': '%[path,regsub(^/,)]',
    '#{protocol}': listenerScheme,
  } as Record<string, string>)[part] ?? part).join('');
  const scheme = redirect.protocol === '#{protocol}' ? listenerScheme : redirect.protocol.toLowerCase();
  const port = redirect.port === '#{port}' ? String(listenerPort) : redirect.port;
  const defaultPort = scheme === 'https' ? '443' : '80';
  return `${scheme}://${expand(redirect.host)}${port === defaultPort ? '' : `:${port}`}${expand(redirect.path)}`;
}
