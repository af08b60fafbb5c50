import {
  IRequestPathTier, IUwsgiUpstream, ProvisionedServerProps, ProvisioningLogBucket, ServerLogs, ServerLogsOptions, ServerRole, SsmProvisioning,
  TierAlarmOptions,
} from '@nlb-tiers/core';
import {
  ec2CpuUtilizationMetric, invalidProp, PROVISIONING_OUTPUT_FILE, recordConstructVersion, resolveProvisioningTimeouts, resolveServerImage,
  selectSubnets, tagForProvisioning, validateDuration, validateInteger, validateKeyPrefix, validatePort,
} from '@nlb-tiers/core/helpers-internal';
import { Aws, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { renderProvisioningScript } from './private/proxy-config';
import { AccessLogMetrics, accessLogMetrics, createWebServerAlarms, http5xxRate } from './private/web-server-monitoring';

/**
 * The files the web server ships to CloudWatch Logs: httpd's logs where Amazon Linux's httpd.conf
 * puts them (`logs/` of ServerRoot /etc/httpd, a link to /var/log/httpd), and its provisioning output.
 */
const WEB_SERVER_LOG_FILES = [
  { id: 'AccessLog', filePath: '/var/log/httpd/access_log' },
  { id: 'ErrorLog', filePath: '/var/log/httpd/error_log' },
  { id: 'ProvisioningLog', filePath: PROVISIONING_OUTPUT_FILE },
];

/** Properties of an {@link ApacheUwsgiWebServer}. */
export interface ApacheUwsgiWebServerProps extends ProvisionedServerProps, ServerLogsOptions, TierAlarmOptions {
  /**
   * What the server proxies every request to, with the uwsgi protocol. The server opens the
   * upstream's security group to itself on the upstream's port.
   *
   * Any port works. On port 3031 mod_proxy_uwsgi drops the port from the URL it builds and httpd
   * would connect to port 0; the configuration then connects through `ProxyRemote` lines that
   * name the port (see `proxyFailoverAttempts` for what that costs).
   *
   * @see https://github.com/unbit/uwsgi/issues/2468
   */
  readonly upstream: IUwsgiUpstream;
  /**
   * Where the server is placed: public subnets, of which the first is used.
   *
   * @default - the first of the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The port httpd serves HTTP on.
   *
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * The peers allowed to reach the HTTP port.
   *
   * @default - any IPv4 address
   */
  readonly allowedPeers?: ec2.IPeer[];
  /**
   * The server's security group. The server admits `httpPort` from `allowedPeers` into it and
   * opens the upstream to it, whether it is new or given.
   *
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Whether the server gets an Elastic IP.
   *
   * @default true
   */
  readonly elasticIp?: boolean;
  /**
   * The value of the tag that names the server's role.
   *
   * @default 'ApacheWeb'
   */
  readonly serverTagValue?: string;
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
   * httpd proxies through a balancer whose members are the upstream's zonal host names (an NLB's
   * node in each zone) or its one name. A Network Load Balancer keeps sending new connections to
   * a target that died until its health checks take it out, and the client sees the target's
   * refusal (a TCP RST). A refused connection has carried no request, so sending it again is safe;
   * the load balancer places the new connection afresh (through another zonal node, when there
   * is one). With one of two targets dead, each attempt fails with a chance of one half: five more
   * attempts leave 1 request in 64 failing until the health checks react, instead of 1 in 2.
   *
   * Not with an upstream on port 3031: mod_proxy_uwsgi drops that port (its scheme's default) and
   * httpd would connect to port 0, so the server reaches port 3031 through `ProxyRemote`, and
   * mod_proxy sends no request through a remote again. Any other port has the retries.
   *
   * @default 5
   * @see https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass (balancer parameter `maxattempts`)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  readonly proxyFailoverAttempts?: number;
}

/**
 * An Apache httpd server on EC2 that proxies every request to a uwsgi upstream.
 *
 * The instance is placed in a public subnet with an Elastic IP and admits only HTTP from the
 * allowed peers (no SSH: reach it with Session Manager). It requires IMDSv2 and encrypts its root
 * volume. An SSM State Manager association running `AWS-RunShellScript` installs httpd and writes
 * the proxy configuration idempotently, waits until httpd answers through the upstream, and
 * signals the instance's CreationPolicy with cfn-signal: the instance completes only once it
 * serves, and a failed run fails it at once with its reason.
 *
 * @see https://httpd.apache.org/docs/2.4/mod/mod_proxy_uwsgi.html
 */
export class ApacheUwsgiWebServer extends Construct implements ec2.IConnectable, iam.IGrantable, IRequestPathTier {
  /** The EC2 instance. */
  public readonly instance: ec2.Instance;
  /** The server's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The server's connections. */
  public readonly connections: ec2.Connections;
  /** The instance role. */
  public readonly role: iam.IRole;
  /** The principal of the instance role, to grant the server more permissions. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The bucket that receives the provisioning association's output. */
  public readonly logBucket: s3.IBucket;
  /** The provisioning association. */
  public readonly provisioning: SsmProvisioning;
  /** The Elastic IP, when one is allocated. */
  public readonly elasticIp?: ec2.CfnEIP;
  /** The server's public IPv4 address. */
  public readonly publicIp: string;
  /** The URL the server answers on, for example `http://203.0.113.10/`. */
  public readonly url: string;
  /** The port httpd serves HTTP on. */
  public readonly httpPort: number;
  /**
   * The log groups of httpd's access and error logs and of the provisioning output (ids
   * `AccessLog`, `ErrorLog`, `ProvisioningLog`), which the CloudWatch agent on the server ships.
   */
  public readonly logs: ServerLogs;
  /** Raised when more than 5% of the responses are 5xx for 3 minutes in a row. */
  public readonly http5xxAlarm: cloudwatch.Alarm;
  /** Raised when the instance's CPU is above 80% for 3 periods of 5 minutes. */
  public readonly cpuAlarm: cloudwatch.Alarm;
  private readonly accessLogMetrics: AccessLogMetrics;

  constructor(scope: Construct, id: string, props: ApacheUwsgiWebServerProps) {
    super(scope, id);
    recordConstructVersion(this, ApacheUwsgiWebServer);
    const name = 'ApacheUwsgiWebServer';
    const httpPort = props.httpPort ?? 80;
    const connectTimeout = props.proxyConnectTimeout ?? Duration.seconds(5);
    const timeout = props.proxyTimeout ?? Duration.seconds(60);
    const failoverAttempts = props.proxyFailoverAttempts ?? 5;
    validatePort(this, name, 'httpPort', httpPort);
    if (httpPort === 22 || httpPort === 443) {
      invalidProp(this, name, 'httpPort', httpPort, 'a port other than 22 (SSH) and 443 (HTTPS): the server speaks plain HTTP');
    }
    validateDuration(this, name, 'proxyConnectTimeout', connectTimeout, 'seconds', 1, 300);
    validateDuration(this, name, 'proxyTimeout', timeout, 'seconds', 1, 3600);
    validateInteger(this, name, 'proxyFailoverAttempts', failoverAttempts, 0, 20);
    const upstreamHosts = props.upstream.upstreamZonalHosts ?? [props.upstream.upstreamHost];
    if (upstreamHosts.length === 0) {
      invalidProp(this, name, 'upstream.upstreamZonalHosts', '[]', 'at least one host name, or none given to use upstreamHost');
    }
    const { instanceType, machineImage } = resolveServerImage(this, name, props);
    validateKeyPrefix(this, name, 'logKeyPrefix', props.logKeyPrefix);
    const timeouts = resolveProvisioningTimeouts(this, name, props.provisioningTimeout);
    const allowedPeers = props.allowedPeers ?? [ec2.Peer.anyIpv4()];
    if (allowedPeers.length === 0) {
      invalidProp(this, name, 'allowedPeers', '[]', 'at least one peer: with none, nobody could reach the server');
    }
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC };
    const subnets = selectSubnets(this, name, props.vpc, vpcSubnets, 'public', 1);
    this.httpPort = httpPort;

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Apache web server: HTTP from the allowed peers only',
      // Package repositories and the Systems Manager endpoints are reached over the internet.
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(httpPort) });
    for (const peer of allowedPeers) {
      this.connections.allowFrom(peer, ec2.Port.tcp(httpPort), 'HTTP from an allowed peer');
    }
    if (props.allowedPeers === undefined && props.securityGroup === undefined) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'A public web server: its HTTP port, and only that port, is open to the internet by default; allowedPeers narrows it.',
      });
    }
    props.upstream.connections.allowFrom(this, ec2.Port.tcp(props.upstream.upstreamPort), 'uwsgi from the Apache web server');

    this.role = props.role ?? new ServerRole(this, 'Role').role;
    this.grantPrincipal = this.role;
    this.instance = new ec2.Instance(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets,
      instanceType,
      machineImage,
      securityGroup: this.securityGroup,
      role: this.role,
      requireImdsv2: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) }],
    });
    // Provisioning starts as soon as the agent registers and installs httpd from the internet: launch
    // the instance only once its subnet's default route to the internet gateway exists. Imported
    // subnets carry no dependency (their routes exist already).
    this.instance.node.addDependency(subnets.internetConnectivityEstablished);
    Tags.of(this.instance).add(props.serverTagKey ?? 'Server', props.serverTagValue ?? 'ApacheWeb');
    // Complete once the instance signalled that it serves, within provisioningTimeout.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
    this.instance.instance.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: timeouts.wait.toIsoString() } };
    // The association finds the instance by a tag known at synthesis, not by its id: it must not
    // wait for the instance, which waits for the signal the association's run sends.
    const targets = tagForProvisioning(this, this.instance);
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-EC28',
      reason: 'Five-minute basic monitoring suffices for a stateless proxy; one-minute metrics are billed per instance.',
    });
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-EC29',
      reason: 'The instance holds no state: its provisioning association rebuilds it, so it is replaceable; '
        + 'termination protection would block stack updates that replace it and stack deletion.',
    });

    if (props.elasticIp ?? true) {
      this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc', instanceId: this.instance.instanceId });
      // "If you define an Elastic IP address and associate it with a VPC that is defined in the same
      // template, you must declare a dependency on the VPC-gateway attachment" (AWS::EC2::EIP).
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-eip.html
      // aws-cdk-lib's Vpc keeps the attachment as a child; an imported VPC is attached already.
      const attachment = props.vpc.node.children.find(c => c instanceof ec2.CfnVPCGatewayAttachment);
      this.elasticIp.node.addDependency(attachment ?? props.vpc.internetConnectivityEstablished);
      this.publicIp = this.elasticIp.attrPublicIp;
    } else {
      this.publicIp = this.instance.instancePublicIp;
    }
    this.url = httpPort === 80 ? `http://${this.publicIp}/` : `http://${this.publicIp}:${httpPort}/`;

    this.logBucket = props.logBucket ?? new ProvisioningLogBucket(this, 'LogBucket').bucket;
    this.logs = new ServerLogs(this, 'Logs', {
      files: WEB_SERVER_LOG_FILES,
      role: this.role,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.accessLogMetrics = accessLogMetrics(this, this.logs.logGroup('AccessLog'));
    const alarms = createWebServerAlarms(this, this.metricHttp5xxRate(), this.metricCpuUtilization(), props.alarmActions, failoverAttempts);
    this.http5xxAlarm = alarms.http5xx;
    this.cpuAlarm = alarms.cpu;
    const script = renderProvisioningScript({
      httpPort,
      upstreamHosts,
      zonal: props.upstream.upstreamZonalHosts !== undefined,
      upstreamPort: props.upstream.upstreamPort,
      failoverAttempts,
      connectTimeoutSeconds: connectTimeout.toSeconds(),
      timeoutSeconds: timeout.toSeconds(),
      signal: { stack: Aws.STACK_NAME, resource: Stack.of(this).resolve(this.instance.instance.logicalId), region: Aws.REGION },
      // The rest of the run, less a minute for everything before the wait.
      answerWaitSeconds: Math.max(60, timeouts.runSeconds - 60),
      cloudWatchAgentConfig: this.logs.agentConfig,
    });
    this.provisioning = new SsmProvisioning(this, 'Provisioning', {
      documentName: 'AWS-RunShellScript',
      parameters: { commands: script.split('\n'), executionTimeout: [String(timeouts.runSeconds)] },
      targets,
      instanceRole: this.role,
      logBucket: this.logBucket,
      logKeyPrefix: props.logKeyPrefix ?? 'shellscript-association-log',
      waitForSuccessTimeout: timeouts.wait,
    });
    // The agent starts during the first run: it may write to the groups by then.
    this.logs.grant.applyBefore(this.provisioning.association);
    // Associating an Elastic IP releases the public address the instance launched with, which would
    // cut the downloads of a provisioning run under way
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/working-with-eips.html). The Elastic IP
    // refers to the instance, so CloudFormation associates it only once the instance is complete:
    // after its run signalled. The association must not wait for the Elastic IP in turn, which
    // would wait for that signal.
  }

  /** The web server's row of a `RequestPathDashboard`: requests and 5xx responses, the 5xx rate with its alarm, CPU. */
  public requestPathWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.GraphWidget({
        title: 'Web server: requests and 5xx responses',
        left: [this.metricRequestCount(), this.metricHttp5xxCount()],
        width: 8,
      }),
      new cloudwatch.AlarmWidget({ title: 'Web server: 5xx responses (%)', alarm: this.http5xxAlarm, width: 8 }),
      new cloudwatch.AlarmWidget({ title: 'Web server: CPU (%)', alarm: this.cpuAlarm, width: 8 }),
    ];
  }

  /** The requests the server answered (lines of its access log), per minute. */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.accessLogMetrics.requests.with(props ?? {});
  }

  /** The requests the server answered with a 5xx status (502 and 503 when no app server answers), per minute. */
  public metricHttp5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.accessLogMetrics.http5xx.with(props ?? {});
  }

  /** The share of requests answered with a 5xx status, in percent, per minute (0 without requests). */
  public metricHttp5xxRate(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return http5xxRate(this.accessLogMetrics, props);
  }

  /**
   * The instance's CPU utilization (`AWS/EC2` `CPUUtilization`), averaged over five minutes: the
   * instance has basic monitoring, which sends a data point every five minutes.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return ec2CpuUtilizationMetric({ InstanceId: this.instance.instanceId }, props).attachTo(this);
  }
}
