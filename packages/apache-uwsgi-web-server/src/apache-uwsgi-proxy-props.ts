import { IUwsgiUpstream, ProvisionedServerProps, ServerLogsOptions, TierAlarmOptions } from '@nlb-tiers/core';
import { Duration } from 'aws-cdk-lib';

/**
 * Properties that every construct of Apache httpd servers proxying to a uwsgi upstream shares:
 * the upstream, the port httpd serves HTTP on, how it proxies, its provisioning, logs and alarms.
 */
export interface ApacheUwsgiProxyProps extends ProvisionedServerProps, ServerLogsOptions, TierAlarmOptions {
  /**
   * What httpd proxies every request to, with the uwsgi protocol. The construct opens the
   * upstream's security group to its servers on the upstream's port.
   *
   * Any port works. On port 3031 mod_proxy_uwsgi drops the port from the URL it builds and httpd
   * would connect to port 0; the configuration then connects through `ProxyRemote` lines that
   * name the port (see `proxyFailoverAttempts` for what that costs).
   *
   * @see https://github.com/unbit/uwsgi/issues/2468
   */
  readonly upstream: IUwsgiUpstream;
  /**
   * The port httpd serves HTTP on.
   *
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * The key prefix of the provisioning association's output.
   *
   * @default 'shellscript-association-log'
   */
  readonly logKeyPrefix?: string;
  /**
   * How long httpd waits to connect to the upstream (1-300 seconds).
   *
   * @default Duration.seconds(5)
   */
  readonly proxyConnectTimeout?: Duration;
  /**
   * How long httpd waits for the upstream's response (1-3600 seconds).
   *
   * @default Duration.seconds(60)
   */
  readonly proxyTimeout?: Duration;
  /**
   * How many more times httpd sends a request whose connection to the upstream failed (0-20),
   * each time on a new connection.
   *
   * Each httpd proxies through a balancer whose members are the upstream's zonal host names (an NLB's
   * node in each zone) or its one name. A Network Load Balancer keeps sending new connections to
   * a target that died until its health checks take it out, and the client sees the target's
   * refusal (a TCP RST). A refused connection has carried no request, so sending it again is safe;
   * the load balancer places the new connection afresh (through another zonal node, when there
   * is one). With one of two targets dead, each attempt fails with a chance of one half: five more
   * attempts leave 1 request in 64 failing until the health checks react, instead of 1 in 2.
   *
   * Not with an upstream on port 3031: mod_proxy_uwsgi drops that port (its scheme's default) and
   * httpd would connect to port 0, so each server reaches port 3031 through `ProxyRemote`, and
   * mod_proxy sends no request through a remote again. Any other port has the retries.
   *
   * @default 5
   * @see https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass (balancer parameter `maxattempts`)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  readonly proxyFailoverAttempts?: number;
  /**
   * The value of the tag that names the servers' role.
   *
   * @default 'ApacheWeb'
   */
  readonly serverTagValue?: string;
}
