import * as fs from 'fs';
import * as path from 'path';
import { BalancerConfig } from './balancer-rules';
import { AWS_API_ADDRESS, AWS_API_PORT } from '../aws-api';
import { ProcessSpec } from './supervisor';
import { Balancer, Host, Topology } from '../model/topology';

/** The agents are compiled next to this file; they run with the same Node.js as the tool, inside a namespace. */
function agent(namespace: string, name: string, ...args: string[]): string[] {
  return ['ip', 'netns', 'exec', namespace, process.execPath, path.join(__dirname, 'agents', `${name}.js`), ...args];
}

/**
 * The request client, run in `namespace` as a client there: `count` GETs of `url`, one JSON line
 * each (src/runtime/agents/request-client.ts).
 */
export function requestClientCommand(namespace: string, url: string, count: number, timeoutMs: number): string[] {
  return agent(namespace, 'request-client', url, String(count), String(timeoutMs));
}

/** The link-local address of the instance metadata service. */
export const IMDS_ADDRESS = '169.254.169.254';
/**
 * The stand-in listens on this port and port 80 is DNATed to it, so a server of the host can still
 * bind 0.0.0.0:80 (on EC2 the metadata service is not a socket on the instance).
 */
export const IMDS_LOCAL_PORT = 49180;

const ALWAYS = { restart: 'always' as const, restartSeconds: 1 };

/** The instance metadata stand-in of a host. */
export function imdsAgent(hostDir: string, namespace: string, host: Host, topology: Topology): ProcessSpec {
  const config = path.join(hostDir, 'imds.json');
  fs.writeFileSync(config, JSON.stringify({ ...host.metadata, region: topology.region }));
  return { name: `${host.name}/imds`, namespace, command: agent(namespace, 'imds-server', config, IMDS_ADDRESS, String(IMDS_LOCAL_PORT)), logFile: path.join(hostDir, 'imds.log'), restart: ALWAYS };
}

/**
 * The stand-in of the AWS APIs a host's instance reads secrets from (SSM Parameter Store, Secrets
 * Manager), on the host's loopback; it answers from the user's values file, read at each request
 * where it is (nothing is copied into the deployment), or, without one, finds nothing.
 */
export function awsApiAgent(hostDir: string, namespace: string, host: Host, topology: Topology, secretValues: string | undefined): ProcessSpec {
  return {
    name: `${host.name}/aws-api`,
    namespace,
    command: agent(namespace, 'aws-api-server', secretValues ?? '', AWS_API_ADDRESS, String(AWS_API_PORT), topology.region),
    logFile: path.join(hostDir, 'aws-api.log'),
    restart: ALWAYS,
  };
}

/** Options of the balancer emulation. */
export interface BalancerTiming {
  /** Health check intervals and timeouts are multiplied by this (thresholds are not). */
  readonly healthCheckTimeScale: number;
}

/** The configuration of a balancer's health checker, with its timing scaled. */
export function balancerConfig(balancer: Balancer, topology: Topology, stateFile: string, timing: BalancerTiming): BalancerConfig {
  return {
    address: balancer.address,
    stateFile,
    listeners: balancer.listeners.map(l => {
      const hc = l.targetGroup.healthCheck;
      const intervalMs = Math.max(100, Math.round(hc.intervalSeconds * 1000 * timing.healthCheckTimeScale));
      return {
        port: l.port,
        targetGroupArn: l.targetGroup.arn,
        targets: l.targetGroup.targets.map(name => {
          const host = topology.hosts.find(h => h.name === name)!;
          return { id: host.instanceId, address: host.address, port: l.targetGroup.port };
        }),
        check: {
          protocol: hc.protocol,
          ...(hc.path !== undefined ? { path: hc.path, matcher: hc.matcher } : {}),
          initialHealthyThreshold: hc.initialHealthyThreshold,
          port: hc.port,
          intervalMs,
          timeoutMs: Math.min(intervalMs, Math.max(100, Math.round(hc.timeoutSeconds * 1000 * timing.healthCheckTimeScale))),
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
        },
      };
    }),
  };
}

/** The health checker of a balancer, which also owns its DNAT rules. */
export function healthCheckerAgent(dir: string, namespace: string, balancer: Balancer, config: BalancerConfig): ProcessSpec {
  const file = path.join(dir, 'balancer.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return { name: `${balancer.name}/health-checker`, namespace, command: agent(namespace, 'health-checker', file), logFile: path.join(dir, 'health-checker.log'), restart: ALWAYS };
}

/**
 * The HTTP proxy of an Application Load Balancer (Debian's HAProxy), in master-worker mode: its
 * master reloads the configuration on SIGUSR2, which its health checker sends. Started once the
 * health checker wrote the first configuration.
 */
export function proxyProcess(dir: string, namespace: string, balancer: Balancer, configFile: string): ProcessSpec {
  return {
    name: `${balancer.name}/haproxy`,
    namespace,
    command: ['ip', 'netns', 'exec', namespace, 'haproxy', '-W', '-f', configFile],
    logFile: path.join(dir, 'haproxy.log'),
    restart: ALWAYS,
  };
}

/** The Internet-side end of the publication of an Elastic IP on 127.0.0.1. */
export function forwarderAgent(runDir: string, namespace: string, host: Host, port: number, socketPath: string): ProcessSpec {
  return {
    name: `internet/forward-${host.name}-${port}`,
    namespace,
    command: agent(namespace, 'unix-forwarder', socketPath, host.elasticIp!, String(port)),
    logFile: path.join(runDir, `forward-${host.name}-${port}.log`),
    restart: ALWAYS,
  };
}
