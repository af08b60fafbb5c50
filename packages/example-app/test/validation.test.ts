import * as path from 'path';
import { ApacheUwsgiWebServer, ApacheUwsgiWebServerProps } from '@nlb-tiers/apache-uwsgi-web-server';
import { AmazonLinuxGeneration, ExistingUwsgiTargetGroup, ProvisioningLogBucket, ProvisioningTargets, ServerRole, SsmProvisioning } from '@nlb-tiers/core';
import { FlaskApplication, FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier, InternalNlbTierProps } from '@nlb-tiers/internal-nlb-tier';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Every prop the constructs reject, with the exact message a user sees. Each case builds one
 * construct in a fresh stack whose VPC has public and private subnets in two zones.
 */

const APPS = path.join(__dirname, 'fixtures');

interface Fixture {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly tier: InternalNlbTier;
}

function fixture(vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }): Fixture {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const tier = new InternalNlbTier(stack, 'Existing', { vpc: new ec2.Vpc(stack, 'TierVpc', { maxAzs: 2, natGateways: 1 }) });
  return { stack, vpc, tier };
}

const tier = (props: Partial<InternalNlbTierProps>, vpcProps?: ec2.VpcProps) => () => {
  const f = fixture(vpcProps);
  new InternalNlbTier(f.stack, 'Tier', { vpc: f.vpc, ...props });
};
const web = (props: Partial<ApacheUwsgiWebServerProps>, vpcProps?: ec2.VpcProps) => () => {
  const f = fixture(vpcProps);
  new ApacheUwsgiWebServer(f.stack, 'Web', { vpc: f.vpc, upstream: f.tier, ...props });
};
const fleet = (props: Partial<FlaskUwsgiAppFleetProps>, vpcProps?: ec2.VpcProps) => () => {
  const f = fixture(vpcProps);
  new FlaskUwsgiAppFleet(f.stack, 'Fleet', { vpc: f.vpc, loadBalancer: f.tier, ...props });
};

const ONLY_PUBLIC: ec2.VpcProps = { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] };
const ONLY_PRIVATE: ec2.VpcProps = { maxAzs: 2, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] };
const ONE_AZ: ec2.VpcProps = { maxAzs: 1, natGateways: 1 };

describe('invalid props are rejected before anything is created, with a message naming the prop, the value and what is allowed', () => {
  test.each<[string, () => void, string]>([
    // Ports
    ['NLB port 0', tier({ port: 0 }), "InternalNlbTier at 'Test/Tier': invalid port: got 0, expected an integer from 1 to 65535"],
    ['NLB port 65536', tier({ port: 65536 }), "InternalNlbTier at 'Test/Tier': invalid port: got 65536, expected an integer from 1 to 65535"],
    ['web HTTP port 70000', web({ httpPort: 70000 }), "ApacheUwsgiWebServer at 'Test/Web': invalid httpPort: got 70000, expected an integer from 1 to 65535"],
    ['web HTTP port 443', web({ httpPort: 443 }), "ApacheUwsgiWebServer at 'Test/Web': invalid httpPort: got 443, expected a port other than 22 (SSH) and 443 (HTTPS): the server speaks plain HTTP"],
    ['web HTTP port 22', web({ httpPort: 22 }), "ApacheUwsgiWebServer at 'Test/Web': invalid httpPort: got 22, expected a port other than 22 (SSH) and 443 (HTTPS): the server speaks plain HTTP"],
    ['fleet behind a target port of 0', () => {
      const f = fixture();
      const targetGroup = new elbv2.NetworkTargetGroup(f.stack, 'Targets', { vpc: f.vpc, port: 80 });
      const loadBalancer = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 0, loadBalancerSecurityGroups: [new ec2.SecurityGroup(f.stack, 'Lb', { vpc: f.vpc })] });
      new FlaskUwsgiAppFleet(f.stack, 'Fleet', { vpc: f.vpc, loadBalancer });
    }, "FlaskUwsgiAppFleet at 'Test/Fleet': invalid loadBalancer.targetPort: got 0, expected an integer from 1 to 65535"],

    // Health checks and deregistration (the NLB's limits)
    ['healthy threshold 1', tier({ healthyThresholdCount: 1 }), "InternalNlbTier at 'Test/Tier': invalid healthyThresholdCount: got 1, expected an integer from 2 to 10"],
    ['unhealthy threshold 11', tier({ unhealthyThresholdCount: 11 }), "InternalNlbTier at 'Test/Tier': invalid unhealthyThresholdCount: got 11, expected an integer from 2 to 10"],
    ['health-check interval 4 s', tier({ healthCheckInterval: Duration.seconds(4) }), "InternalNlbTier at 'Test/Tier': invalid healthCheckInterval: got '4 seconds', expected a whole number of seconds from 5 to 300"],
    ['health-check interval 301 s', tier({ healthCheckInterval: Duration.seconds(301) }), "InternalNlbTier at 'Test/Tier': invalid healthCheckInterval: got '301 seconds', expected a whole number of seconds from 5 to 300"],
    ['health-check interval 5.5 s', tier({ healthCheckInterval: Duration.millis(5500) }), "InternalNlbTier at 'Test/Tier': invalid healthCheckInterval: got '5.5 seconds', expected a whole number of seconds from 5 to 300"],
    ['deregistration delay 3601 s', tier({ deregistrationDelay: Duration.seconds(3601) }), "InternalNlbTier at 'Test/Tier': invalid deregistrationDelay: got '3601 seconds', expected a whole number of seconds from 0 to 3600"],

    // Capacities
    ['negative minCapacity', fleet({ minCapacity: -1 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid minCapacity: got -1, expected an integer of at least 0"],
    ['maxCapacity 0', fleet({ minCapacity: 0, desiredCapacity: 0, maxCapacity: 0 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid maxCapacity: got 0, expected an integer of at least 1"],
    ['minCapacity above maxCapacity', fleet({ minCapacity: 3, desiredCapacity: 3, maxCapacity: 2 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid minCapacity: got 3, expected at most maxCapacity (2)"],
    ['desiredCapacity above maxCapacity', fleet({ desiredCapacity: 3 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid desiredCapacity: got 3, expected a value from minCapacity (2) to maxCapacity (2)"],
    ['desiredCapacity below minCapacity', fleet({ minCapacity: 2, desiredCapacity: 1, maxCapacity: 4 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid desiredCapacity: got 1, expected a value from minCapacity (2) to maxCapacity (4)"],
    ['zero uWSGI processes', fleet({ processes: 0 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid processes: got 0, expected an integer from 1 to 64"],
    ['65 threads', fleet({ threads: 65 }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid threads: got 65, expected an integer from 1 to 64"],

    // Names AWS would reject
    ['load balancer name of 33 characters', tier({ loadBalancerName: 'a'.repeat(33) }), `InternalNlbTier at 'Test/Tier': invalid loadBalancerName: got '${'a'.repeat(33)}', expected a load balancer name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with 'internal-'`],
    ['load balancer name with an underscore', tier({ loadBalancerName: 'app_tier' }), "InternalNlbTier at 'Test/Tier': invalid loadBalancerName: got 'app_tier', expected a load balancer name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with 'internal-'"],
    ["load balancer name starting with 'internal-'", tier({ loadBalancerName: 'internal-app' }), "InternalNlbTier at 'Test/Tier': invalid loadBalancerName: got 'internal-app', expected a load balancer name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with 'internal-'"],
    ['target group name ending with a hyphen', tier({ targetGroupName: 'targets-' }), "InternalNlbTier at 'Test/Tier': invalid targetGroupName: got 'targets-', expected a target group name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen"],
    ["tag key in the reserved 'aws:' namespace", web({ serverTagKey: 'aws:role' }), "ApacheUwsgiWebServer at 'Test/Web': invalid serverTagKey: got 'aws:role', expected a tag key of 1 to 128 characters that does not start with 'aws:'"],
    ['log key prefix with slashes at the ends', fleet({ logKeyPrefix: '/logs/' }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid logKeyPrefix: got '/logs/', expected a non-empty S3 key prefix of letters, digits and !_.*'()- separated by single slashes, with no slash at either end"],

    // Subnets
    ['NLB in a VPC without private subnets', tier({}, ONLY_PUBLIC), "InternalNlbTier at 'Test/Tier': invalid vpcSubnets: got 'subnetType Private', expected a selection of private subnets of the VPC (There are no 'Private' subnet groups in this VPC. Available types: Public)"],
    ['fleet in a VPC without private subnets', fleet({}, ONLY_PUBLIC), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid vpcSubnets: got 'subnetType Private', expected a selection of private subnets of the VPC (There are no 'Private' subnet groups in this VPC. Available types: Public)"],
    ['web server in a VPC without public subnets', web({}, ONLY_PRIVATE), "ApacheUwsgiWebServer at 'Test/Web': invalid vpcSubnets: got 'subnetType Public', expected a selection of public subnets of the VPC (There are no 'Public' subnet groups in this VPC. Available types: Isolated,Deprecated_Isolated)"],
    ['web server placed in private subnets', web({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }), "ApacheUwsgiWebServer at 'Test/Web': invalid vpcSubnets: got 'subnetType Private', expected public subnets only"],
    ['fleet placed in public subnets', fleet({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid vpcSubnets: got 'subnetType Public', expected private subnets only"],
    ['NLB in a single Availability Zone', tier({}, ONE_AZ), "InternalNlbTier at 'Test/Tier': invalid vpcSubnets: got 'subnetType Private in 1 Availability Zone(s)', expected private subnets in at least 2 Availability Zones"],

    // Images
    ['t4g instance type with an x86_64 image', web({ machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }) }), "ApacheUwsgiWebServer at 'Test/Web': invalid machineImage: got '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64', expected an image for the arm64 architecture of instance type t4g.micro, or an instance type for x86_64"],
    ['x86 instance type with an arm64 image', fleet({ instanceType: new ec2.InstanceType('m5.large'), machineImage: ec2.MachineImage.latestAmazonLinux2({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }) }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid machineImage: got '/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2', expected an image for the x86_64 architecture of instance type m5.large, or an instance type for arm64"],

    // The user's app
    ['app directory that does not exist', fleet({ application: FlaskApplication.fromDirectory(path.join(APPS, 'missing')) }), `FlaskUwsgiAppFleet at 'Test/Fleet': invalid application.directory: got '${path.join(APPS, 'missing')}', expected an existing directory`],
    ['app module that is not in the directory', fleet({ application: FlaskApplication.fromDirectory(path.join(APPS, 'greeting-app'), { module: 'wsgi' }) }), `FlaskUwsgiAppFleet at 'Test/Fleet': invalid application.module: got 'wsgi', expected a module found in ${path.join(APPS, 'greeting-app')} (wsgi.py or wsgi/__init__.py)`],
    ['app callable the module does not define', fleet({ application: FlaskApplication.fromDirectory(path.join(APPS, 'greeting-app'), { module: 'greeting', callable: 'application' }) }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid application.callable: got 'application', expected a name defined at the top level of greeting.py"],
    ['app module name that is not a Python name', fleet({ application: FlaskApplication.fromDirectory(path.join(APPS, 'greeting-app'), { module: 'greeting.py' }) }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid application.module: got 'greeting.py', expected a module found in " + path.join(APPS, 'greeting-app') + ' (greeting/py.py or greeting/py/__init__.py)'],

    // Contradictions and empty lists
    ['both amazonLinux and machineImage', fleet({ amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2, machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }) }), "FlaskUwsgiAppFleet at 'Test/Fleet': amazonLinux and machineImage cannot be given together; give at most one of them"],
    ['no allowed peers', web({ allowedPeers: [] }), "ApacheUwsgiWebServer at 'Test/Web': invalid allowedPeers: got '[]', expected at least one peer: with none, nobody could reach the server"],
    ['no pip packages', fleet({ pipPackages: [] }), "FlaskUwsgiAppFleet at 'Test/Fleet': invalid pipPackages: got '[]', expected requirement specifiers that include uWSGI and Flask, or no value for the pinned defaults"],
    ['a load balancer without security groups', () => {
      const f = fixture();
      const targetGroup = new elbv2.NetworkTargetGroup(f.stack, 'Targets', { vpc: f.vpc, port: 9090 });
      new FlaskUwsgiAppFleet(f.stack, 'Fleet', { vpc: f.vpc, loadBalancer: new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 9090, loadBalancerSecurityGroups: [] }) });
    }, "FlaskUwsgiAppFleet at 'Test/Fleet': invalid loadBalancer: got 'a load balancer without security groups', expected a load balancer with at least one security group: the fleet admits its port from those groups alone"],

    // Timeouts
    ['proxy timeout of 0', web({ proxyTimeout: Duration.seconds(0) }), "ApacheUwsgiWebServer at 'Test/Web': invalid proxyTimeout: got '0 seconds', expected a whole number of seconds from 1 to 3600"],
    ['proxy connect timeout of 301 s', web({ proxyConnectTimeout: Duration.seconds(301) }), "ApacheUwsgiWebServer at 'Test/Web': invalid proxyConnectTimeout: got '301 seconds', expected a whole number of seconds from 1 to 300"],
    ['provisioning timeout of 2 days 1 second', web({ provisioningTimeout: Duration.seconds(172801) }), "ApacheUwsgiWebServer at 'Test/Web': invalid provisioningTimeout: got '172801 seconds', expected a whole number of seconds from 600 to 172800"],
    ['log retention of 0 days', () => {
      new ProvisioningLogBucket(new Stack(new App(), 'Test'), 'Logs', { logRetention: Duration.days(0) });
    }, "ProvisioningLogBucket at 'Test': invalid logRetention: got '0 days', expected a whole number of days from 1 to 36500"],
  ])('%s', (_, build, message) => {
    expect(build).toThrow(message);
    // The message is the whole error, not a part of a longer one.
    try { build(); } catch (e) { expect((e as Error).message).toBe(message); }
  });
});

describe('values that are tokens are left to deploy time', () => {
  test('ports and capacities from CloudFormation parameters pass synthesis', () => {
    const { stack, vpc } = fixture();
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

    const nlb = new InternalNlbTier(stack, 'Tier', { vpc, port: number('Port') });
    new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer: nlb, minCapacity: number('Min'), desiredCapacity: number('Desired'), maxCapacity: number('Max') });
    new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream: nlb, httpPort: number('HttpPort') });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: { Ref: 'Port' } });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { DesiredCapacity: { Ref: 'Desired' } });
  });

  test('an association that provisions nothing yet is still valid', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() => new SsmProvisioning(stack, 'Provisioning', {
      documentName: 'AWS-RunShellScript',
      parameters: {},
      targets: ProvisioningTargets.instances(),
      instanceRole: new ServerRole(stack, 'Role'),
      logBucket: new s3.Bucket(stack, 'Logs'),
      logKeyPrefix: 'log',
    })).not.toThrow();
  });
});
