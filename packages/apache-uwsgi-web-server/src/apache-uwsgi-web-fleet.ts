import { IRequestPathTier, ServerGroupProps, ServerLogs, ServerRole, SsmProvisioning } from '@nlb-tiers/core';
import {
  createProvisionedGroup, ec2CpuUtilizationMetric, invalidProp, ONE_MINUTE, recordConstructVersion, resolveCapacities, selectSubnets,
  validateDuration, validateInteger, validateKeyPrefix, validatePort,
} from '@nlb-tiers/core/helpers-internal';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ApacheUwsgiProxyProps } from './apache-uwsgi-proxy-props';
import { provisionWebServers, resolveProxyProps } from './private/web-provisioning';
import { AccessLogMetrics, createWebServerAlarms, http5xxRate, webRequestPathWidgets, WebAlarmSubject } from './private/web-server-monitoring';

/** Properties of an {@link ApacheUwsgiWebFleet}. */
export interface ApacheUwsgiWebFleetProps extends ApacheUwsgiProxyProps, ServerGroupProps {
  /**
   * Where the web servers are placed: subnets in at least two Availability Zones, without public
   * addresses. Only the load balancer is reachable from the internet.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Where the internet-facing load balancer is placed: public subnets in at least two
   * Availability Zones.
   *
   * @default - the VPC's public subnets
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;
  /**
   * The web servers' security group. The fleet admits `httpPort` from the load balancer's
   * security group into it, and from nothing else, whether it is new or given.
   *
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * The certificate of the HTTPS listener. With it, the load balancer terminates TLS on
   * `loadBalancerHttpsPort` and its HTTP port answers every request with a redirect to HTTPS;
   * without it, the load balancer serves plain HTTP on `loadBalancerHttpPort`.
   *
   * @default - no HTTPS: plain HTTP only
   */
  readonly certificate?: acm.ICertificate;
  /**
   * The security policy of the HTTPS listener (only with `certificate`).
   *
   * The default is the policy the Elastic Load Balancing console gives a new HTTPS listener and
   * that AWS recommends: TLS 1.2 and 1.3 only, ciphers with forward secrecy and authenticated
   * encryption only, and hybrid post-quantum key exchange (ML-KEM) for clients that offer it.
   * A listener created by CloudFormation without a policy gets `ELBSecurityPolicy-2016-08`, which
   * still accepts TLS 1.0 and 1.1.
   *
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ (ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * The port of the load balancer's HTTP listener: it redirects to HTTPS with a `certificate`,
   * and forwards to the web servers without one.
   *
   * @default 80
   */
  readonly loadBalancerHttpPort?: number;
  /**
   * The port of the load balancer's HTTPS listener (only with `certificate`).
   *
   * @default 443
   */
  readonly loadBalancerHttpsPort?: number;
  /**
   * The peers allowed to reach the load balancer's listeners. The web servers admit only the load
   * balancer.
   *
   * @default - any IPv4 address
   */
  readonly allowedPeers?: ec2.IPeer[];
  /**
   * The domain name of the site: with `domainZone`, an alias record of this name points at the
   * load balancer, and `url` uses it. It must be the zone's name or a name within it.
   *
   * @default - no record; `url` uses the load balancer's DNS name
   */
  readonly domainName?: string;
  /**
   * The hosted zone in which the alias record of `domainName` is created (only with `domainName`).
   *
   * @default - no record
   */
  readonly domainZone?: route53.IHostedZone;
  /**
   * The bucket that receives the load balancer's access logs. It must be in the stack's region
   * and encrypted with S3-managed keys (SSE-S3), the only server-side encryption that access logs
   * support; the fleet adds the bucket policy that lets Elastic Load Balancing write them.
   *
   * @default - a new bucket: public access blocked, TLS required, SSE-S3, objects expire after 90 days
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   */
  readonly accessLogBucket?: s3.IBucket;
  /**
   * The key prefix of the access logs, without a slash at either end. Elastic Load Balancing adds
   * `AWSLogs/<account>/...` after it, so it must not contain `AWSLogs`.
   *
   * @default 'web-fleet'
   */
  readonly accessLogPrefix?: string;
  /**
   * The ARN of a regional AWS WAF web ACL to associate with the load balancer.
   *
   * @default - no web ACL
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
   */
  readonly webAclArn?: string;
  /**
   * The path the load balancer's health checks request from each web server over HTTP. httpd
   * answers it itself, with 200, and never proxies it: a server is healthy while httpd serves,
   * whatever the state of the upstream that every server shares. A check that went through to the
   * app would mark every web server unhealthy at once when the app tier fails, and the group would
   * replace web servers that are not at fault.
   *
   * @default '/nlb-tiers-health'
   */
  readonly healthCheckPath?: string;
  /**
   * The time between health checks of a web server (5-300 seconds).
   *
   * @default Duration.seconds(10)
   */
  readonly healthCheckInterval?: Duration;
  /**
   * Consecutive successful health checks before an unhealthy web server receives traffic again (2-10).
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failed health checks before a web server receives no more traffic (2-10).
   *
   * @default 2
   */
  readonly unhealthyThresholdCount?: number;
  /**
   * How long the load balancer lets the requests of a deregistering web server finish (0-3600 seconds).
   *
   * @default Duration.seconds(60)
   */
  readonly deregistrationDelay?: Duration;
}

/**
 * Apache httpd web servers in an Auto Scaling group across Availability Zones, behind an
 * internet-facing Application Load Balancer, proxying every request to a uwsgi upstream.
 *
 * No server is a single point of failure: the servers run in private subnets of at least two
 * zones and admit HTTP from the load balancer's security group alone; the load balancer checks
 * each over HTTP and the group replaces a server that fails them. With a `certificate` the load
 * balancer terminates HTTPS with a modern TLS policy and redirects HTTP to HTTPS. It writes access
 * logs to S3, admits only the allowed peers, and can be protected by a WAF web ACL and named by an
 * alias record.
 *
 * Each server runs the same httpd configuration and provisioning script as an
 * `ApacheUwsgiWebServer`, through a State Manager association that targets the group's instances
 * by tag; the group completes once every instance signalled that it serves.
 */
export class ApacheUwsgiWebFleet extends Construct implements ec2.IConnectable, iam.IGrantable, IRequestPathTier {
  /** The URL the site answers on, for example `https://www.example.com/`. */
  public readonly url: string;
  /** The internet-facing Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The load balancer's connections: allow more clients with `connections.allowFrom`. */
  public readonly connections: ec2.Connections;
  /** The HTTPS listener, when a certificate is given. */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** The HTTP listener: a redirect to HTTPS with a certificate, the web servers without one. */
  public readonly httpListener: elbv2.ApplicationListener;
  /** The bucket of the load balancer's access logs. */
  public readonly accessLogBucket: s3.IBucket;
  /** The alias record, when `domainName` and `domainZone` are given. */
  public readonly aliasRecord?: route53.ARecord;
  /** The target group of the web servers, which the load balancer checks over HTTP. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The Auto Scaling group of web servers. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The port httpd serves HTTP on, on each web server. */
  public readonly httpPort: number;
  /** The web servers' security group, which admits the load balancer alone. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The launch template of the web servers. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The web servers' role, and its principal to grant them more permissions. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The web servers' provisioning association, and the bucket of its output. */
  public readonly provisioning: SsmProvisioning;
  public readonly logBucket: s3.IBucket;
  /**
   * The log groups of httpd's access and error logs and of the provisioning output (ids
   * `AccessLog`, `ErrorLog`, `ProvisioningLog`), which the CloudWatch agent on each web server
   * ships, one stream per instance.
   */
  public readonly logs: ServerLogs;
  /** Raised when more than 5% of the web servers' responses through the load balancer are 5xx for 3 minutes in a row. */
  public readonly http5xxAlarm: cloudwatch.Alarm;
  /** Raised when the web servers' average CPU is above 80% for 3 periods of 5 minutes. */
  public readonly cpuAlarm: cloudwatch.Alarm;
  private readonly requestMetrics: AccessLogMetrics;

  constructor(scope: Construct, id: string, props: ApacheUwsgiWebFleetProps) {
    super(scope, id);
    recordConstructVersion(this, ApacheUwsgiWebFleet);
    const name = 'ApacheUwsgiWebFleet';
    const resolved = resolveProxyProps(this, name, props);
    const { httpPort } = resolved;
    const capacities = resolveCapacities(this, name, props);
    const listeners = resolveListeners(this, name, props);
    const allowedPeers = props.allowedPeers ?? [ec2.Peer.anyIpv4()];
    if (allowedPeers.length === 0) {
      invalidProp(this, name, 'allowedPeers', '[]', 'at least one peer: with none, nobody could reach the load balancer');
    }
    validateDomain(this, name, props.domainName, props.domainZone);
    const health = resolveHealthCheck(this, name, props);
    const accessLogPrefix = props.accessLogPrefix ?? 'web-fleet';
    validateAccessLogs(this, name, accessLogPrefix, props.accessLogBucket);
    validateWebAclArn(this, name, props.webAclArn);
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const subnets = selectSubnets(this, name, props.vpc, vpcSubnets, 'private', 2);
    const loadBalancerSubnets = props.loadBalancerSubnets ?? { subnetType: ec2.SubnetType.PUBLIC };
    selectSubnets(this, name, props.vpc, loadBalancerSubnets, 'public', 2);
    this.httpPort = httpPort;

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Web fleet load balancer: its listeners from the allowed peers only',
      // Egress is opened to the web servers on their HTTP port alone.
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: loadBalancerSubnets,
      internetFacing: true,
      securityGroup: loadBalancerSecurityGroup,
      // A header whose name is not a valid HTTP token is dropped, not passed to the servers.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes
      dropInvalidHeaderFields: true,
    });
    this.connections = this.loadBalancer.connections;
    for (const port of listeners.ports) {
      for (const peer of allowedPeers) {
        this.connections.allowFrom(peer, ec2.Port.tcp(port), 'A listener of the load balancer, from an allowed peer');
      }
    }
    if (props.allowedPeers === undefined) {
      Validations.of(loadBalancerSecurityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'An internet-facing load balancer: its listener ports, and only those, are open to the internet by default; allowedPeers narrows them.',
      });
    }

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Apache web fleet: HTTP from the load balancer only',
      // Package repositories and the Systems Manager endpoints are reached through the NAT gateway.
      allowAllOutbound: true,
    });
    this.role = props.role ?? new ServerRole(this, 'Role').role;
    this.grantPrincipal = this.role;
    const group = createProvisionedGroup(this, props, {
      vpcSubnets,
      subnets,
      image: resolved.image,
      role: this.role,
      securityGroup: this.securityGroup,
      capacities,
      timeouts: resolved.timeouts,
      serverTagValue: props.serverTagValue ?? 'ApacheWeb',
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    this.autoScalingGroup.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(httpPort), 'HTTP from the load balancer');

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: httpPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: health.path,
        interval: health.interval,
        // The timeout must be shorter than the interval (at least 5 seconds).
        timeout: Duration.seconds(health.interval.isUnresolved() ? 5 : Math.min(5, health.interval.toSeconds() - 1)),
        healthyThresholdCount: health.healthyThresholdCount,
        unhealthyThresholdCount: health.unhealthyThresholdCount,
        healthyHttpCodes: '200',
      },
      deregistrationDelay: health.deregistrationDelay,
    });
    this.autoScalingGroup.attachToApplicationTargetGroup(this.targetGroup);

    if (props.certificate) {
      this.httpsListener = this.loadBalancer.addListener('Https', {
        port: listeners.httpsPort,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
        sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ,
        defaultTargetGroups: [this.targetGroup],
        open: false,
      });
      this.httpListener = this.loadBalancer.addListener('Http', {
        port: listeners.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(listeners.httpsPort), permanent: true }),
        open: false,
      });
      Validations.of(this.httpListener).acknowledge({
        id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        reason: 'The HTTP listener forwards nothing: it answers every request with a redirect to the HTTPS listener, which has the certificate.',
      });
    } else {
      this.httpListener = this.loadBalancer.addListener('Http', {
        port: listeners.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultTargetGroups: [this.targetGroup],
        open: false,
      });
      // The rules of cdk-nag's packs that ask for HTTPS (AwsSolutions has none; NIST 800-53 has these).
      const reason = 'No certificate was given: the site is served over plain HTTP on purpose (a test or an internal site); '
        + 'give certificate to serve HTTPS and redirect HTTP to it.';
      Validations.of(this.httpListener).acknowledge({ id: 'NIST.800.53.R5-ALBHttpToHttpsRedirection', reason });
      Validations.of(this.httpListener).acknowledge({ id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired', reason });
    }

    this.accessLogBucket = props.accessLogBucket ?? this.newAccessLogBucket();
    // Elastic Load Balancing writes with the account of the region's load balancers (regions
    // before August 2022) or the logdelivery.elasticloadbalancing.amazonaws.com principal (later
    // ones): aws-cdk-lib picks the principal of the stack's region and adds the bucket policy.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    this.loadBalancer.logAccessLogs(this.accessLogBucket, accessLogPrefix);

    if (props.webAclArn !== undefined) {
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webaclassociation.html
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        webAclArn: props.webAclArn,
      });
    }

    const host = props.domainName ?? this.loadBalancer.loadBalancerDnsName;
    if (props.domainName !== undefined && props.domainZone !== undefined) {
      this.aliasRecord = new route53.ARecord(this, 'AliasRecord', {
        zone: props.domainZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    this.url = props.certificate
      ? `https://${host}${listeners.httpsPort === 443 ? '' : `:${listeners.httpsPort}`}/`
      : `http://${host}${listeners.httpPort === 80 ? '' : `:${listeners.httpPort}`}/`;

    const web = provisionWebServers(this, props, resolved, {
      servers: this.autoScalingGroup,
      role: this.role,
      targets: group.targets,
      signalResource: Stack.of(this).resolve(group.groupResource.logicalId),
      healthCheckPath: health.path,
    });
    this.logBucket = web.logBucket;
    this.provisioning = web.provisioning;
    this.logs = web.logs;
    // The load balancer's own counts: they exclude its health checks, which the access logs hold.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    this.requestMetrics = {
      requests: this.targetGroup.metrics.requestCount({ statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE }),
      http5xx: this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE,
      }),
    };
    const alarms = createWebServerAlarms(this, this.metricHttp5xxRate(), this.metricCpuUtilization(), props.alarmActions,
      resolved.failoverAttempts, WEB_FLEET_SUBJECT);
    this.http5xxAlarm = alarms.http5xx;
    this.cpuAlarm = alarms.cpu;
  }

  /** The fleet's row of a `RequestPathDashboard`: requests and 5xx responses, the 5xx rate with its alarm, CPU. */
  public requestPathWidgets(): cloudwatch.IWidget[] {
    return webRequestPathWidgets('Web fleet', this.requestMetrics, { http5xx: this.http5xxAlarm, cpu: this.cpuAlarm });
  }

  /**
   * The requests the load balancer sent to the web servers (`AWS/ApplicationELB` `RequestCount` of
   * the target group), per minute; health checks are not counted.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
   */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.requestMetrics.requests.with(props ?? {});
  }

  /**
   * The requests the web servers answered with a 5xx status (`HTTPCode_Target_5XX_Count`; 502 and
   * 503 when no app server answers), per minute.
   */
  public metricHttp5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.requestMetrics.http5xx.with(props ?? {});
  }

  /** The share of the web servers' responses that have a 5xx status, in percent, per minute (0 without requests). */
  public metricHttp5xxRate(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return http5xxRate(this.requestMetrics, props);
  }

  /**
   * The average CPU utilization of the web servers (`AWS/EC2` `CPUUtilization` by
   * `AutoScalingGroupName`) over five minutes: the instances have basic monitoring.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return ec2CpuUtilizationMetric({ AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName }, props).attachTo(this);
  }

  private newAccessLogBucket(): s3.IBucket {
    const bucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // The only server-side encryption access logs support.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(90) }],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The bucket holds the load balancer\'s access logs, written by Elastic Load Balancing only; '
        + 'logging the access to those logs needs a further bucket, which accessLogBucket lets a user provide.',
    });
    return bucket;
  }
}

/** The fleet's alarms name the web servers together. */
const WEB_FLEET_SUBJECT: WebAlarmSubject = {
  responses: 'the web servers\' responses through the load balancer',
  cpu: 'The web servers\' average CPU',
};

/** The listener ports of a fleet's load balancer. */
interface Listeners {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Every port a listener takes. */
  readonly ports: number[];
}

function resolveListeners(scope: Construct, name: string, props: ApacheUwsgiWebFleetProps): Listeners {
  const httpPort = props.loadBalancerHttpPort ?? 80;
  const httpsPort = props.loadBalancerHttpsPort ?? 443;
  validatePort(scope, name, 'loadBalancerHttpPort', httpPort);
  validatePort(scope, name, 'loadBalancerHttpsPort', httpsPort);
  if (props.certificate === undefined) {
    const httpsOnly = { sslPolicy: props.sslPolicy, loadBalancerHttpsPort: props.loadBalancerHttpsPort };
    for (const [prop, value] of Object.entries(httpsOnly)) {
      if (value !== undefined) {
        invalidProp(scope, name, prop, value, 'no value without a certificate: the load balancer has no HTTPS listener unless certificate is given');
      }
    }
    return { httpPort, httpsPort, ports: [httpPort] };
  }
  if (!Token.isUnresolved(httpPort) && httpPort === httpsPort) {
    invalidProp(scope, name, 'loadBalancerHttpsPort', httpsPort, `a port other than loadBalancerHttpPort (${httpPort}): each listener needs a port of its own`);
  }
  return { httpPort, httpsPort, ports: [httpsPort, httpPort] };
}

/** The health checks of a fleet's target group, checked. */
interface HealthCheck {
  readonly path: string;
  readonly interval: Duration;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly deregistrationDelay: Duration;
}

function resolveHealthCheck(scope: Construct, name: string, props: ApacheUwsgiWebFleetProps): HealthCheck {
  const check: HealthCheck = {
    path: props.healthCheckPath ?? '/nlb-tiers-health',
    interval: props.healthCheckInterval ?? Duration.seconds(10),
    healthyThresholdCount: props.healthyThresholdCount ?? 2,
    unhealthyThresholdCount: props.unhealthyThresholdCount ?? 2,
    deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(60),
  };
  // The path names a file in httpd's document root, written by the provisioning script.
  if (!Token.isUnresolved(check.path)
    && (!/^(\/[A-Za-z0-9._~-]+)+$/.test(check.path) || check.path.split('/').some(s => s === '.' || s === '..') || check.path.length > 1024)) {
    invalidProp(scope, name, 'healthCheckPath', check.path,
      'a path such as \'/health\' of segments of letters, digits and ._~- (no \'.\' or \'..\' segment, not \'/\' alone, which is proxied), at most 1024 characters');
  }
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
  validateDuration(scope, name, 'healthCheckInterval', check.interval, 'seconds', 5, 300);
  validateInteger(scope, name, 'healthyThresholdCount', check.healthyThresholdCount, 2, 10);
  validateInteger(scope, name, 'unhealthyThresholdCount', check.unhealthyThresholdCount, 2, 10);
  validateDuration(scope, name, 'deregistrationDelay', check.deregistrationDelay, 'seconds', 0, 3600);
  return check;
}

function validateDomain(scope: Construct, name: string, domainName: string | undefined, zone: route53.IHostedZone | undefined) {
  if ((domainName === undefined) !== (zone === undefined)) {
    const [given, missing] = domainName === undefined ? ['domainZone', 'domainName'] : ['domainName', 'domainZone'];
    invalidProp(scope, name, missing, 'no value', `a value with ${given}: the alias record needs both a name and the zone it is created in`);
  }
  if (domainName === undefined || zone === undefined || Token.isUnresolved(domainName) || Token.isUnresolved(zone.zoneName)) return;
  const fqdn = domainName.toLowerCase().replace(/\.$/, '');
  const zoneName = zone.zoneName.toLowerCase().replace(/\.$/, '');
  if (fqdn !== zoneName && !fqdn.endsWith(`.${zoneName}`)) {
    invalidProp(scope, name, 'domainName', domainName, `the name of the zone '${zoneName}' or a name within it (such as 'www.${zoneName}')`);
  }
}

function validateAccessLogs(scope: Construct, name: string, prefix: string, bucket: s3.IBucket | undefined) {
  validateKeyPrefix(scope, name, 'accessLogPrefix', prefix);
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
  if (!Token.isUnresolved(prefix) && prefix.includes('AWSLogs')) {
    invalidProp(scope, name, 'accessLogPrefix', prefix, 'a prefix without \'AWSLogs\', which Elastic Load Balancing adds after it');
  }
  if (bucket?.encryptionKey !== undefined) {
    invalidProp(scope, name, 'accessLogBucket', 'a bucket encrypted with a KMS key',
      'a bucket encrypted with S3-managed keys (SSE-S3), the only server-side encryption access logs support');
  }
  if (Token.isUnresolved(Stack.of(scope).region)) {
    invalidProp(scope, name, 'the stack\'s region', 'a region known only at deploy time',
      'a stack with a region (env: { region }): the access log bucket\'s policy names the principal of the region\'s load balancers');
  }
}

function validateWebAclArn(scope: Construct, name: string, arn: string | undefined) {
  if (arn === undefined || Token.isUnresolved(arn)) return;
  // https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html
  if (!/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional\/webacl\/[^/]+\/[^/]+$/.test(arn)) {
    invalidProp(scope, name, 'webAclArn', arn,
      'the ARN of a regional AWS WAF (wafv2) web ACL, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>; a CloudFront (global) web ACL cannot protect a load balancer');
  }
}
