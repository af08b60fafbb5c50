import * as path from 'path';
import { ProxyConfig, ProxyTls } from './haproxy-config';

/** One listener of a local balancer, with the addresses of its targets. */
export interface BalancerListenerConfig {
  readonly port: number;
  readonly targetGroupArn: string;
  readonly targets: Array<{ readonly id: string; readonly address: string; readonly port: number }>;
  readonly check: {
    /** `TCP`: a connection; `HTTP`: a GET of `path` answered with a status `matcher` allows. */
    readonly protocol: 'TCP' | 'HTTP';
    readonly path?: string;
    readonly matcher?: string;
    readonly initialHealthyThreshold: number;
    readonly port: number;
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

/** What the health checker agent of a balancer reads at start. */
export interface BalancerConfig {
  readonly address: string;
  readonly listeners: BalancerListenerConfig[];
  /** Where the agent writes the targets' health, as JSON, after every change. */
  readonly stateFile: string;
  /**
   * An Application Load Balancer: instead of DNAT rules, the agent writes the HTTP proxy's
   * configuration file with the targets in service and has the proxy reload it.
   */
  readonly proxy?: Omit<ProxyConfig, 'forwards'> & {
    readonly configFile: string;
    /** The TLS of the HTTPS listeners, by port. */
    readonly tls: Readonly<Record<string, ProxyTls>>;
  };
}

/**
 * Whether an HTTP status passes a health check's matcher: codes and ranges separated by commas
 * (`200`, `200,202`, `200-299`).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html
 */
export function statusMatches(matcher: string, status: number): boolean {
  return matcher.split(',').some(part => {
    const [low, high] = part.split('-').map(Number);
    return high === undefined ? status === low : status >= low && status <= high;
  });
}

/**
 * An NLB target's states: `initial` until the first verdict, then `healthy` or `unhealthy`;
 * `draining` once deregistered (no new connections; open ones go on), then `unused`.
 */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

/** Deregistration states, by `<target group ARN> <target id>`, that the tool hands the health checker. */
export type Deregistrations = Record<string, 'draining' | 'unused'>;

/** The file, beside a balancer's state file, through which the tool deregisters targets. */
export function deregistrationsFile(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'deregistered.json');
}

/**
 * The targets registered with each target group, by target group ARN, that the tool hands the
 * health checker: an instance Auto Scaling launched joins, one it terminated leaves.
 */
export type Registrations = Record<string, BalancerListenerConfig['targets']>;

/** The file, beside a balancer's state file, through which the tool registers targets. */
export function registrationsFile(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'registered.json');
}

/**
 * The nftables ruleset of a balancer: DNAT over a flow hash of the 4-tuple to the targets in
 * service, and SNAT to the balancer's own address (client IP not preserved). `inService` holds the
 * targets that receive traffic per listener; with none healthy, callers pass every target (fail open).
 * Loaded as one `nft -f` transaction, so a swap is atomic and existing flows keep their target.
 */
export function balancerRuleset(config: Pick<BalancerConfig, 'address' | 'listeners'>, inService: (listener: BalancerListenerConfig) => BalancerListenerConfig['targets']): string {
  const dnat = config.listeners.map(l => {
    const targets = inService(l);
    if (targets.length === 0) return `    ip daddr ${config.address} tcp dport ${l.port} counter reject with tcp reset`;
    const map = targets.map((t, i) => `${i} : ${t.address} . ${t.port}`).join(', ');
    return `    ip daddr ${config.address} tcp dport ${l.port} counter dnat ip to jhash ip saddr . tcp sport . ip daddr . tcp dport mod ${targets.length} seed 0x4e4c4254 map { ${map} }`;
  });
  return [
    // Declaring then deleting makes the load idempotent: the first run and every swap look the same.
    'table ip balancer {}',
    'delete table ip balancer',
    'table ip balancer {',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...dnat,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ct status dnat ct original ip daddr ${config.address} counter snat ip to ${config.address}`,
    '  }',
    '}',
  ].join('\n') + '\n';
}

/**
 * NLB routing: healthy targets; none healthy -> every registered target (fail open). A draining or
 * unused target is no longer registered: it gets no new connection, even when failing open.
 */
export function targetsInService(listener: BalancerListenerConfig, state: (targetId: string) => TargetState): BalancerListenerConfig['targets'] {
  const registered = listener.targets.filter(t => state(t.id) !== 'draining' && state(t.id) !== 'unused');
  const healthy = registered.filter(t => state(t.id) === 'healthy');
  return healthy.length > 0 ? healthy : registered;
}
