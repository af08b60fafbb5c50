import * as fs from 'fs';
import * as path from 'path';
import {
  AmazonLinuxGeneration, IRequestPathTier, IUwsgiTargetGroup, ProvisionedServerProps, ProvisioningLogBucket, ServerGroupProps, ServerLogs,
  ServerLogsOptions, ServerRole, SsmProvisioning, TierAlarmOptions,
} from '@nlb-tiers/core';
import {
  createProvisionedGroup, ec2CpuUtilizationMetric, invalidProp, ONE_MINUTE, PROVISIONING_OUTPUT_FILE, recordConstructVersion, resolveCapacities,
  resolveProvisioningTimeouts, resolveServerImage, selectSubnets, validateInteger, validateKeyPrefix, validatePort, validateRateControl,
} from '@nlb-tiers/core/helpers-internal';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppSecret } from './app-secret';
import { FlaskApplication } from './flask-application';
import { resolveAppEnvironment } from './private/app-environment';
import { createFleetAlarms, targetGroupMetrics } from './private/fleet-monitoring';
import { FleetCpuScalingProps, FleetFlowScalingProps, flowsPerInstanceQueries, validateCpuScaling, validateFlowScaling } from './private/fleet-scaling';
import { playbookDocumentContent } from './private/playbook-document';
import { APP_SERVER_LAYOUT, stagePlaybook } from './private/uwsgi-config';

/** Properties of a {@link FlaskUwsgiAppFleet}. */
export interface FlaskUwsgiAppFleetProps extends ProvisionedServerProps, ServerGroupProps, ServerLogsOptions, TierAlarmOptions {
  /**
   * The load balancer in front of the fleet: its target group receives the instances, its
   * security groups alone may reach the uwsgi port, and its target port is the port uWSGI
   * listens on. An `InternalNlbTier`, or an `ExistingUwsgiTargetGroup`.
   */
  readonly loadBalancer: IUwsgiTargetGroup;
  /**
   * Where the instances are placed.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The instances' security group. The fleet admits the load balancer's security groups on the
   * target port into it, whether it is new or given.
   *
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * The app to serve.
   *
   * @default FlaskApplication.instanceIdEcho()
   */
  readonly application?: FlaskApplication;
  /**
   * Environment variables of the app, by name: plain values, known at synthesis. They are written
   * into the playbook (not secret: use `secrets` for what is), and a change reloads the app
   * gracefully. Names are environment variable names (a letter or `_`, then letters, digits or
   * `_`), not one the service sets itself (`PATH`, `HOME`, `PYTHONPATH` ...) nor `UWSGI_*`.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets the app receives as environment variables, by name: SSM parameters (`SecureString`)
   * or Secrets Manager secrets, by reference. Each instance reads the values with its role when
   * the app starts and before every reload, into a file under `/run` (a tmpfs) that
   * only the app's user may read; the template, the association and its output hold names and
   * ARNs only. The fleet's role is granted read access to each, and nothing more. A rotated value
   * reaches the app at the association's next run (every 30 minutes, or at once with
   * `aws ssm start-associations-once`), which reloads the app gracefully when a value changed.
   *
   * @default - none
   */
  readonly secrets?: Record<string, AppSecret>;
  /**
   * uWSGI worker processes per instance (1-64).
   *
   * Python runs one thread at a time per process (the GIL), so an app that spends its time on the
   * CPU uses as many cores as it has processes: the default matches the two vCPUs of the default
   * `t4g.micro`. Raise it with the instance type's vCPUs, and for an app that waits on I/O (a
   * database, an AWS API): each worker serves one request at a time (`threads`).
   *
   * @default 2
   * @see https://uwsgi-docs.readthedocs.io/en/latest/ThingsToKnow.html
   */
  readonly processes?: number;
  /**
   * Threads per uWSGI worker (1-64).
   *
   * One thread per worker keeps app updates free of failed requests: a reload stops a worker of
   * more threads by cancelling them (`wait_for_threads` in uWSGI's core/uwsgi.c, "on some platform
   * thread cancellation is REALLY flaky"); a Python thread cancelled while it waits for the GIL can
   * hang the worker until uWSGI kills it, with its requests, after `worker-reload-mercy` (60 s).
   * For an app that mostly waits on I/O, raise `processes` instead; more than one thread is
   * accepted, with a warning (`@nlb-tiers/flask-uwsgi-app-fleet:threadedWorkers`).
   *
   * @default 1
   */
  readonly threads?: number;
  /**
   * The pip requirement specifiers installed into the app's virtualenv.
   *
   * @default - uWSGI and Flask pinned to versions that run on the image's Python
   */
  readonly pipPackages?: string[];
  /**
   * Whether provisioning installs Ansible when the image has no `ansible-playbook`: `ansible-core`
   * from the distribution's own repository with `dnf` on Amazon Linux 2023 (there since release
   * 2023.2), the `ansible2` topic of `amazon-linux-extras` on Amazon Linux 2. Turn it off for an
   * image that has Ansible baked in; provisioning then fails with a clear message if it has not.
   *
   * @default true
   * @see https://github.com/amazonlinux/amazon-linux-2023/issues/57
   */
  readonly installAnsible?: boolean;
  /**
   * The value of the tag that names the servers' role.
   *
   * @default 'App'
   */
  readonly serverTagValue?: string;
  /**
   * The key prefix of the provisioning association's output.
   *
   * @default 'playbook-association-log'
   */
  readonly logKeyPrefix?: string;
  /**
   * How many instances run the provisioning association at the same time when it runs again on
   * the fleet (a new app, `uwsgi.ini`, playbook or parameter; its schedule): a number such as `1`,
   * or a percentage of the instances such as `25%`. One at a time keeps every other instance
   * serving the version it had while one changes.
   *
   * Instances that launch (the group's creation, a scale-out, a replacement) run it as soon as they
   * register with Systems Manager: the API reference lets a new instance run even while
   * `MaxConcurrency` runs are under way. The user guide says instead that such an instance is left
   * out until the association's next scheduled run; the fleet's association runs every 30 minutes
   * so that, read that way too, every instance is provisioned (its signal then comes that much later).
   *
   * @default '1'
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly provisioningMaxConcurrency?: string;
  /**
   * How many of those runs may fail before State Manager stops sending the association to further
   * instances: a number such as `0` (stop at the first failure), or a percentage of the instances.
   * With the default one-at-a-time, a new version whose playbook fails on the first instance stops
   * there, and every other instance keeps serving the version it had.
   *
   * @default '0'
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly provisioningMaxErrors?: string;
}

/** The pins of the default `pipPackages`, by the Python each generation ships. */
const DEFAULT_PIP_PACKAGES: Record<AmazonLinuxGeneration, string[]> = {
  // Python 3.9
  [AmazonLinuxGeneration.AMAZON_LINUX_2023]: ['uwsgi==2.0.28', 'flask==3.1.1'],
  // Python 3.7: Flask 2.2 is the last line that supports it.
  [AmazonLinuxGeneration.AMAZON_LINUX_2]: ['uwsgi==2.0.28', 'flask==2.2.5'],
};
/**
 * How often State Manager runs the fleet's association again on every instance, one at a time
 * within the rate controls: the shortest rate an association takes. A run that changes nothing
 * reloads nothing and signals nothing; it provisions an instance that launched while another ran,
 * where the rate controls held it back (as the user guide reads), and undoes drift.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
 */
const PROVISIONING_SCHEDULE = 'rate(30 minutes)';
const SYSTEM_PACKAGES = ['python3', 'python3-pip', 'python3-devel', 'gcc'];

/**
 * An Auto Scaling group of Flask apps served by uWSGI, behind a Network Load Balancer.
 *
 * Instances run in private subnets from a launch template that requires IMDSv2 and encrypts the
 * root volume, and admit the uwsgi port from the load balancer's security group alone. An SSM
 * State Manager association runs the fleet's own Command document on every instance of the group,
 * including instances it launches later: it downloads an Ansible playbook (built into an asset at
 * synth time) and runs it locally, which installs uWSGI and Flask, deploys the app, `uwsgi.ini`
 * and a systemd unit, starts the app and checks that it answers. Each instance then signals the
 * group's CreationPolicy with cfn-signal, so the group (and the stack) completes only once every
 * instance serves, and a failed run fails it at once with its reason.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-asg.html
 */
export class FlaskUwsgiAppFleet extends Construct implements ec2.IConnectable, iam.IGrantable, IRequestPathTier {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template of the instances. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The instances' security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The instances' connections. */
  public readonly connections: ec2.Connections;
  /** The instance role. */
  public readonly role: iam.IRole;
  /** The principal of the instance role, to grant the app servers more permissions. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The bucket that receives the provisioning association's output. */
  public readonly logBucket: s3.IBucket;
  /** The zipped playbook folder. */
  public readonly playbookAsset: s3assets.Asset;
  /** The SSM Command document that provisions the instances: download the playbook, run it. */
  public readonly provisioningDocument: ssm.CfnDocument;
  /** The provisioning association. */
  public readonly provisioning: SsmProvisioning;
  /** The port uWSGI listens on. */
  public readonly port: number;
  /**
   * The log groups of uWSGI's log, with the app's output (id `UwsgiLog`), and of the provisioning
   * output (id `ProvisioningLog`), which the CloudWatch agent on each instance ships.
   */
  public readonly logs: ServerLogs;
  /** Raised when fewer instances than `minCapacity` are in service for 3 minutes in a row. */
  public readonly inServiceInstancesAlarm: cloudwatch.Alarm;
  /**
   * Raised when the target group has fewer healthy targets than `minCapacity` for 3 minutes in a
   * row; none when the target group is imported without its load balancer.
   */
  public readonly healthyHostsAlarm?: cloudwatch.Alarm;
  /** Raised when the instances' average CPU is above 80% for 3 periods of 5 minutes. */
  public readonly cpuAlarm: cloudwatch.Alarm;
  private readonly capacity: { readonly min: number; readonly max: number };
  private readonly targetMetrics?: elbv2.INetworkTargetGroupMetrics;

  constructor(scope: Construct, id: string, props: FlaskUwsgiAppFleetProps) {
    super(scope, id);
    recordConstructVersion(this, FlaskUwsgiAppFleet);
    const name = 'FlaskUwsgiAppFleet';
    const processes = props.processes ?? 2;
    const threads = props.threads ?? 1;
    const application = props.application ?? FlaskApplication.instanceIdEcho();
    const capacities = resolveCapacities(this, name, props);
    validateInteger(this, name, 'processes', processes, 1, 64);
    validateInteger(this, name, 'threads', threads, 1, 64);
    if (threads > 1) {
      Validations.of(this).addWarning(THREADED_WORKERS_WARNING,
        `${name}: threads ${threads}: a reload (an app, environment or secret update) stops a worker of several threads by cancelling them, `
        + 'which can hang it until uWSGI kills it with its requests (60 s later); raise processes instead for an app that waits on I/O');
    }
    const image = resolveServerImage(this, name, props);
    validateKeyPrefix(this, name, 'logKeyPrefix', props.logKeyPrefix);
    validateRateControl(this, name, 'provisioningMaxConcurrency', 'maxConcurrency', props.provisioningMaxConcurrency);
    validateRateControl(this, name, 'provisioningMaxErrors', 'maxErrors', props.provisioningMaxErrors);
    const timeouts = resolveProvisioningTimeouts(this, name, props.provisioningTimeout);
    validatePort(this, name, 'loadBalancer.targetPort', props.loadBalancer.targetPort);
    if (props.loadBalancer.connections.securityGroups.length === 0) {
      invalidProp(this, name, 'loadBalancer', 'a load balancer without security groups',
        'a load balancer with at least one security group: the fleet admits its port from those groups alone');
    }
    if (props.pipPackages !== undefined && props.pipPackages.length === 0) {
      invalidProp(this, name, 'pipPackages', '[]', 'requirement specifiers that include uWSGI and Flask, or no value for the pinned defaults');
    }
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const subnets = selectSubnets(this, name, props.vpc, vpcSubnets, 'private', 1);
    validateApplication(this, name, application);
    const appEnvironment = resolveAppEnvironment(this, name, props);
    this.port = props.loadBalancer.targetPort;
    this.capacity = { min: capacities.minCapacity, max: capacities.maxCapacity };

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Flask/uWSGI app servers: uwsgi from the load balancer only',
      // Packages are installed through the NAT gateway; the SSM endpoints are reached the same way.
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(this.port) });
    this.connections.allowFrom(props.loadBalancer, ec2.Port.tcp(this.port), 'uwsgi from the load balancer');

    this.role = props.role ?? new ServerRole(this, 'Role').role;
    this.grantPrincipal = this.role;
    const group = createProvisionedGroup(this, props, {
      vpcSubnets,
      subnets,
      image,
      role: this.role,
      securityGroup: this.securityGroup,
      capacities,
      timeouts,
      serverTagValue: props.serverTagValue ?? 'App',
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    const { targets, groupResource } = group;
    this.autoScalingGroup.attachToNetworkTargetGroup(props.loadBalancer.targetGroup);

    this.playbookAsset = new s3assets.Asset(this, 'Playbook', {
      path: stagePlaybook({
        appDirectory: application.directory,
        module: application.module,
        callable: application.callable,
        port: this.port,
        processes,
        threads,
        systemPackages: SYSTEM_PACKAGES,
        pipPackages: props.pipPackages ?? DEFAULT_PIP_PACKAGES[image.generation],
        environment: appEnvironment.environment,
      }),
    });
    // The instances may read their own playbook, not the rest of the assets bucket.
    const readPlaybook = iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['s3:GetObject'],
      resourceArns: [Stack.of(this).formatArn({
        service: 's3', region: '', account: '', resource: this.playbookAsset.s3BucketName, resourceName: this.playbookAsset.s3ObjectKey,
      })],
    });

    this.logBucket = props.logBucket ?? new ProvisioningLogBucket(this, 'LogBucket').bucket;
    this.logs = new ServerLogs(this, 'Logs', {
      files: [{ id: 'UwsgiLog', filePath: APP_SERVER_LAYOUT.logFile }, { id: 'ProvisioningLog', filePath: PROVISIONING_OUTPUT_FILE }],
      role: this.role,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.targetMetrics = targetGroupMetrics(this, props.loadBalancer.targetGroup);
    const alarms = createFleetAlarms(this, {
      minCapacity: capacities.minCapacity,
      inService: this.metricInServiceInstances(),
      healthyHosts: this.targetMetrics ? this.metricHealthyHostCount() : undefined,
      cpu: this.metricCpuUtilization(),
      actions: props.alarmActions,
    });
    this.inServiceInstancesAlarm = alarms.inServiceInstances;
    this.healthyHostsAlarm = alarms.healthyHosts;
    this.cpuAlarm = alarms.cpu;
    this.provisioningDocument = new ssm.CfnDocument(this, 'ProvisioningDocument', {
      documentType: 'Command',
      targetType: '/AWS::EC2::Instance',
      content: playbookDocumentContent(timeouts.runSeconds),
    });
    this.provisioning = new SsmProvisioning(this, 'Provisioning', {
      documentName: this.provisioningDocument.ref,
      parameters: {
        SourceInfo: [Stack.of(this).toJsonString({ path: this.playbookAsset.httpUrl })],
        InstallAnsible: [(props.installAnsible ?? true) ? 'True' : 'False'],
        ExtraVariables: ['SSM=True'],
        AppSecrets: [Stack.of(this).toJsonString(appEnvironment.secrets)],
        CloudWatchAgentConfig: [this.logs.agentConfig],
        TimeoutSeconds: [String(timeouts.runSeconds)],
        // Names, not references: the stack and the region are pseudo parameters, the group's logical id a literal.
        SignalStack: [Aws.STACK_NAME],
        SignalResource: [Stack.of(this).resolve(groupResource.logicalId)],
        SignalRegion: [Aws.REGION],
      },
      targets,
      instanceRole: this.role,
      logBucket: this.logBucket,
      logKeyPrefix: props.logKeyPrefix ?? 'playbook-association-log',
      waitForSuccessTimeout: timeouts.wait,
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-association.html
      maxConcurrency: props.provisioningMaxConcurrency ?? '1',
      maxErrors: props.provisioningMaxErrors ?? '0',
      scheduleExpression: PROVISIONING_SCHEDULE,
    });
    readPlaybook.applyBefore(this.provisioning.association);
    // Each instance reads its secrets with this role when its app starts, from its first run on.
    for (const secret of Object.values(props.secrets ?? {})) {
      secret.grantRead(this.role).applyBefore(this.provisioning.association);
    }
    this.logs.grant.applyBefore(this.provisioning.association);
  }

  /** The fleet's row of a `RequestPathDashboard`: instances in service and healthy targets, with their alarms, and CPU. */
  public requestPathWidgets(): cloudwatch.IWidget[] {
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.AlarmWidget({ title: 'App fleet: instances in service', alarm: this.inServiceInstancesAlarm, width: 8 }),
    ];
    if (this.healthyHostsAlarm) {
      widgets.push(new cloudwatch.AlarmWidget({ title: 'App fleet: healthy targets', alarm: this.healthyHostsAlarm, width: 8 }));
    }
    widgets.push(new cloudwatch.AlarmWidget({ title: 'App fleet: CPU (%)', alarm: this.cpuAlarm, width: 8 }));
    return widgets;
  }

  /**
   * The instances in service (`AWS/AutoScaling` `GroupInServiceInstances`), the fewest in each
   * minute. The group collects this metric (its metrics collection is turned on for it).
   *
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
   */
  public metricInServiceInstances(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: ONE_MINUTE,
      ...props,
    }).attachTo(this);
  }

  /**
   * The average CPU utilization of the group's instances (`AWS/EC2` `CPUUtilization` by
   * `AutoScalingGroupName`) over five minutes: the instances have basic monitoring.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return ec2CpuUtilizationMetric({ AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName }, props).attachTo(this);
  }

  /**
   * The healthy targets of the load balancer's target group (`AWS/NetworkELB` `HealthyHostCount`
   * by `LoadBalancer` and `TargetGroup`), the fewest in each minute. Fails for a target group
   * imported without its load balancer, which has no such metric.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
   */
  public metricHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.targetMetrics) {
      throw new Error(`FlaskUwsgiAppFleet at '${this.node.path}' has no target group metrics: import the target group with its load balancer's ARN`);
    }
    return this.targetMetrics.healthyHostCount({ statistic: cloudwatch.Stats.MINIMUM, period: ONE_MINUTE, ...props });
  }

  /**
   * Scales the group to keep its average CPU utilization at a target (target tracking), between
   * `minCapacity` and `maxCapacity`.
   *
   * Requests are not offered as a target: a Network Load Balancer publishes no request count per
   * target (it sees TCP flows, not requests), the metric an Application Load Balancer's
   * `scaleOnRequestCount` tracks (aws-cdk#6887). The app is served by uWSGI workers that use the
   * CPU for each request, so CPU utilization follows the request rate; `scaleOnNewFlowCount`
   * tracks the flows, which the tiers' web servers open one per request.
   *
   * @see https://github.com/aws/aws-cdk/issues/6887
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
   */
  public scaleOnCpuUtilization(id: string, props: FleetCpuScalingProps): autoscaling.TargetTrackingScalingPolicy {
    validateCpuScaling(this, this.capacity.min, this.capacity.max, props);
    return this.autoScalingGroup.scaleOnCpuUtilization(id, {
      targetUtilizationPercent: props.targetUtilizationPercent,
      disableScaleIn: props.disableScaleIn,
      estimatedInstanceWarmup: props.estimatedInstanceWarmup ?? Duration.minutes(10),
    });
  }

  /**
   * Scales the group to keep the load balancer's new flows per instance in service at a target
   * (target tracking on metric math), between `minCapacity` and `maxCapacity`.
   *
   * Behind `ApacheUwsgiWebServer` or `ApacheUwsgiWebFleet` each request is one flow: httpd's
   * mod_proxy_uwsgi closes its connection to the upstream after every request (`backend->close = 1`
   * in `modules/proxy/mod_proxy_uwsgi.c`), so this tracks requests per instance. A Network Load
   * Balancer publishes `NewFlowCount` per load balancer, not per target group, and aws-cdk-lib's
   * `scaleToTrackMetric` takes no metric math (aws-cdk#20659): the policy is an L1
   * `CfnScalingPolicy` whose customized metric divides the load balancer's flows by the group's
   * instances in service. Every flow of the load balancer counts: give the fleet a load balancer
   * of its own (as `InternalNlbTier` is) for the ratio to be its own. Fails for a target group
   * imported without its load balancer.
   *
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html
   * @see https://github.com/apache/httpd/blob/trunk/modules/proxy/mod_proxy_uwsgi.c
   * @see https://github.com/aws/aws-cdk/issues/20659
   */
  public scaleOnNewFlowCount(id: string, props: FleetFlowScalingProps): autoscaling.CfnScalingPolicy {
    validateFlowScaling(this, this.capacity.min, this.capacity.max, props);
    const loadBalancer = this.targetMetrics?.healthyHostCount().dimensions?.LoadBalancer;
    if (!this.targetMetrics || typeof loadBalancer !== 'string') {
      throw new Error(`FlaskUwsgiAppFleet.scaleOnNewFlowCount at '${this.node.path}': the fleet's target group has no known load balancer: `
        + 'import the target group with its load balancer\'s ARN');
    }
    return new autoscaling.CfnScalingPolicy(this, id, {
      autoScalingGroupName: this.autoScalingGroup.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: (props.estimatedInstanceWarmup ?? Duration.minutes(10)).toSeconds(),
      targetTrackingConfiguration: {
        targetValue: props.targetFlowsPerInstancePerMinute,
        disableScaleIn: props.disableScaleIn ?? false,
        customizedMetricSpecification: {
          metrics: flowsPerInstanceQueries(loadBalancer, this.autoScalingGroup.autoScalingGroupName),
        },
      },
    });
  }
}

/**
 * The id of the warning a fleet gives when its app's module does not seem to define the callable;
 * acknowledge it with `Validations.of(fleet).acknowledge({ id, reason })`.
 */
const CALLABLE_NOT_FOUND_WARNING = '@nlb-tiers/flask-uwsgi-app-fleet:callableNotFound';
const THREADED_WORKERS_WARNING = '@nlb-tiers/flask-uwsgi-app-fleet:threadedWorkers';

/**
 * Checks that the app's directory holds the module, and warns where the module does not seem to
 * define the callable.
 */
function validateApplication(scope: Construct, construct: string, app: FlaskApplication) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(app.module)) {
    invalidProp(scope, construct, 'application.module', app.module, 'a dotted Python module name such as \'app\' or \'myapp.wsgi\'');
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(app.callable)) {
    invalidProp(scope, construct, 'application.callable', app.callable, 'a Python identifier such as \'app\'');
  }
  if (!fs.existsSync(app.directory) || !fs.statSync(app.directory).isDirectory()) {
    invalidProp(scope, construct, 'application.directory', app.directory, 'an existing directory');
  }
  const relative = app.module.split('.');
  const candidates = [path.join(app.directory, ...relative) + '.py', path.join(app.directory, ...relative, '__init__.py')];
  const moduleFile = candidates.find(f => fs.existsSync(f));
  if (!moduleFile) {
    invalidProp(scope, construct, 'application.module', app.module, `a module found in ${app.directory} (${candidates.map(c => path.relative(app.directory, c)).join(' or ')})`);
  }
  // A text search, not Python: a name can be defined in ways it does not see (a star import,
  // globals()), so a miss is a warning, not an error.
  const source = fs.readFileSync(moduleFile, 'utf-8');
  const defines = new RegExp(`^(?:${app.callable}\\s*(?::[^=]*)?=|def\\s+${app.callable}\\s*\\(|class\\s+${app.callable}\\b|from\\s+\\S+\\s+import\\s+.*\\b${app.callable}\\b|import\\s+.*\\bas\\s+${app.callable}\\b)`, 'm');
  if (!defines.test(source)) {
    const file = path.relative(app.directory, moduleFile);
    Validations.of(scope).addWarning(CALLABLE_NOT_FOUND_WARNING,
      `${construct}: application.callable '${app.callable}' is not assigned, defined or imported at the top level of ${file}; `
      + `uWSGI cannot load the app unless ${file} defines it in another way`);
  }
}
