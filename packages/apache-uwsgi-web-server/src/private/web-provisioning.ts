import { ProvisioningLogBucket, ProvisioningTargets, ServerLogs, SsmProvisioning } from '@nlb-tiers/core';
import {
  invalidProp, PROVISIONING_OUTPUT_FILE, ProvisioningTimeouts, ResolvedServerImage, resolveProvisioningTimeouts, resolveServerImage,
  validateDuration, validateInteger, validateKeyPrefix, validatePort,
} from '@nlb-tiers/core/helpers-internal';
import { Aws, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { renderProvisioningScript } from './proxy-config';
import { ApacheUwsgiProxyProps } from '../apache-uwsgi-proxy-props';

/**
 * The files each web server ships to CloudWatch Logs: httpd's logs where Amazon Linux's httpd.conf
 * puts them (`logs/` of ServerRoot /etc/httpd, a link to /var/log/httpd), and its provisioning output.
 */
const WEB_SERVER_LOG_FILES = [
  { id: 'AccessLog', filePath: '/var/log/httpd/access_log' },
  { id: 'ErrorLog', filePath: '/var/log/httpd/error_log' },
  { id: 'ProvisioningLog', filePath: PROVISIONING_OUTPUT_FILE },
];

/** The proxy props of a web server construct, checked, with their defaults applied. */
export interface ResolvedProxyProps {
  readonly httpPort: number;
  readonly connectTimeout: Duration;
  readonly timeout: Duration;
  readonly failoverAttempts: number;
  readonly upstreamHosts: string[];
  readonly image: ResolvedServerImage;
  readonly timeouts: ProvisioningTimeouts;
}

/** Checks the props every web server construct shares and applies their defaults. */
export function resolveProxyProps(scope: Construct, name: string, props: ApacheUwsgiProxyProps): ResolvedProxyProps {
  const httpPort = props.httpPort ?? 80;
  const connectTimeout = props.proxyConnectTimeout ?? Duration.seconds(5);
  const timeout = props.proxyTimeout ?? Duration.seconds(60);
  const failoverAttempts = props.proxyFailoverAttempts ?? 5;
  validatePort(scope, name, 'httpPort', httpPort);
  if (httpPort === 22 || httpPort === 443) {
    invalidProp(scope, name, 'httpPort', httpPort, 'a port other than 22 (SSH) and 443 (HTTPS): the server speaks plain HTTP');
  }
  validateDuration(scope, name, 'proxyConnectTimeout', connectTimeout, 'seconds', 1, 300);
  validateDuration(scope, name, 'proxyTimeout', timeout, 'seconds', 1, 3600);
  validateInteger(scope, name, 'proxyFailoverAttempts', failoverAttempts, 0, 20);
  const upstreamHosts = props.upstream.upstreamZonalHosts ?? [props.upstream.upstreamHost];
  if (upstreamHosts.length === 0) {
    invalidProp(scope, name, 'upstream.upstreamZonalHosts', '[]', 'at least one host name, or none given to use upstreamHost');
  }
  const image = resolveServerImage(scope, name, props);
  validateKeyPrefix(scope, name, 'logKeyPrefix', props.logKeyPrefix);
  const timeouts = resolveProvisioningTimeouts(scope, name, props.provisioningTimeout);
  return { httpPort, connectTimeout, timeout, failoverAttempts, upstreamHosts, image, timeouts };
}

/** What provisions a web server construct's instances. */
export interface WebProvisioningOptions {
  /** The servers, which the upstream admits on its port. */
  readonly servers: ec2.IConnectable;
  readonly role: iam.IRole;
  readonly targets: ProvisioningTargets;
  /** The logical id of the resource whose CreationPolicy each run signals: an instance, or an Auto Scaling group. */
  readonly signalResource: string;
  /** The path httpd answers itself, for a load balancer's health checks. @default - none */
  readonly healthCheckPath?: string;
}

/** A web server construct's provisioning: the association, the bucket of its output, the servers' logs. */
export interface WebProvisioning {
  readonly logBucket: s3.IBucket;
  readonly provisioning: SsmProvisioning;
  readonly logs: ServerLogs;
}

/**
 * Opens the upstream to the servers and provisions them: an `AWS-RunShellScript` association,
 * found by its targets' tag, that installs httpd and the CloudWatch agent that ships the servers'
 * logs, writes the proxy configuration, waits until httpd answers through the upstream and
 * signals `signalResource`.
 */
export function provisionWebServers(scope: Construct, props: ApacheUwsgiProxyProps, resolved: ResolvedProxyProps,
  options: WebProvisioningOptions): WebProvisioning {
  props.upstream.connections.allowFrom(options.servers, ec2.Port.tcp(props.upstream.upstreamPort), 'uwsgi from the Apache web server');
  const logBucket = props.logBucket ?? new ProvisioningLogBucket(scope, 'LogBucket').bucket;
  const logs = new ServerLogs(scope, 'Logs', {
    files: WEB_SERVER_LOG_FILES,
    role: options.role,
    logRetention: props.logRetention,
    logEncryptionKey: props.logEncryptionKey,
    logRemovalPolicy: props.logRemovalPolicy,
  });
  const script = renderProvisioningScript({
    httpPort: resolved.httpPort,
    upstreamHosts: resolved.upstreamHosts,
    zonal: props.upstream.upstreamZonalHosts !== undefined,
    upstreamPort: props.upstream.upstreamPort,
    failoverAttempts: resolved.failoverAttempts,
    connectTimeoutSeconds: resolved.connectTimeout.toSeconds(),
    timeoutSeconds: resolved.timeout.toSeconds(),
    healthCheckPath: options.healthCheckPath,
    signal: { stack: Aws.STACK_NAME, resource: options.signalResource, region: Aws.REGION },
    // The rest of the run, less a minute for everything before the wait.
    answerWaitSeconds: Math.max(60, resolved.timeouts.runSeconds - 60),
    cloudWatchAgentConfig: logs.agentConfig,
  });
  const provisioning = new SsmProvisioning(scope, 'Provisioning', {
    documentName: 'AWS-RunShellScript',
    parameters: { commands: script.split('\n'), executionTimeout: [String(resolved.timeouts.runSeconds)] },
    targets: options.targets,
    instanceRole: options.role,
    logBucket,
    logKeyPrefix: props.logKeyPrefix ?? 'shellscript-association-log',
    waitForSuccessTimeout: resolved.timeouts.wait,
  });
  // The agent starts during the first run: it may write to the groups by then.
  logs.grant.applyBefore(provisioning.association);
  return { logBucket, provisioning, logs };
}
