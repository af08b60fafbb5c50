import { IRequestPathTier, ServerLogs, ServerRole, SsmProvisioning } from '@nlb-tiers/core';
import { ec2CpuUtilizationMetric, ENCRYPTED_ROOT_VOLUME, invalidProp, recordConstructVersion, selectSubnets, tagForProvisioning } from '@nlb-tiers/core/helpers-internal';
import { Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ApacheUwsgiProxyProps } from './apache-uwsgi-proxy-props';
import { provisionWebServers, resolveProxyProps } from './private/web-provisioning';
import { AccessLogMetrics, accessLogMetrics, createWebServerAlarms, http5xxRate, webRequestPathWidgets } from './private/web-server-monitoring';

/** Properties of an {@link ApacheUwsgiWebServer}. */
export interface ApacheUwsgiWebServerProps extends ApacheUwsgiProxyProps {
  /**
   * Where the server is placed: public subnets, of which the first is used.
   *
   * @default - the first of the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
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
    const resolved = resolveProxyProps(this, name, props);
    const { httpPort, image } = resolved;
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

    this.role = props.role ?? new ServerRole(this, 'Role').role;
    this.grantPrincipal = this.role;
    this.instance = new ec2.Instance(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets,
      instanceType: image.instanceType,
      machineImage: image.machineImage,
      securityGroup: this.securityGroup,
      role: this.role,
      requireImdsv2: true,
      blockDevices: [ENCRYPTED_ROOT_VOLUME],
    });
    // Provisioning starts as soon as the agent registers and installs httpd from the internet: launch
    // the instance only once its subnet's default route to the internet gateway exists. Imported
    // subnets carry no dependency (their routes exist already).
    this.instance.node.addDependency(subnets.internetConnectivityEstablished);
    Tags.of(this.instance).add(props.serverTagKey ?? 'Server', props.serverTagValue ?? 'ApacheWeb');
    // Complete once the instance signalled that it serves, within provisioningTimeout.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
    this.instance.instance.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: resolved.timeouts.wait.toIsoString() } };
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

    const web = provisionWebServers(this, props, resolved, {
      servers: this,
      role: this.role,
      targets,
      signalResource: Stack.of(this).resolve(this.instance.instance.logicalId),
    });
    this.logBucket = web.logBucket;
    this.provisioning = web.provisioning;
    this.logs = web.logs;
    this.accessLogMetrics = accessLogMetrics(this, this.logs.logGroup('AccessLog'));
    const alarms = createWebServerAlarms(this, this.metricHttp5xxRate(), this.metricCpuUtilization(), props.alarmActions, resolved.failoverAttempts);
    this.http5xxAlarm = alarms.http5xx;
    this.cpuAlarm = alarms.cpu;
    // Associating an Elastic IP releases the public address the instance launched with, which would
    // cut the downloads of a provisioning run under way
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/working-with-eips.html). The Elastic IP
    // refers to the instance, so CloudFormation associates it only once the instance is complete:
    // after its run signalled. The association must not wait for the Elastic IP in turn, which
    // would wait for that signal.
  }

  /** The web server's row of a `RequestPathDashboard`: requests and 5xx responses, the 5xx rate with its alarm, CPU. */
  public requestPathWidgets(): cloudwatch.IWidget[] {
    return webRequestPathWidgets('Web server', this.accessLogMetrics, { http5xx: this.http5xxAlarm, cpu: this.cpuAlarm });
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
