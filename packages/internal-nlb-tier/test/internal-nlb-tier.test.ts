import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InternalNlbTier, InternalNlbTierProps } from '../src';

function fixture(vpcProps: ec2.VpcProps = { maxAzs: 2 }) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  return { stack, vpc };
}

const ONLY_PUBLIC: ec2.VpcProps = { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] };
const ONE_AZ: ec2.VpcProps = { maxAzs: 1, natGateways: 1 };
const LOAD_BALANCER_NAME = "expected a load balancer name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with 'internal-'";

function synth(props: Partial<InternalNlbTierProps> = {}) {
  const { stack, vpc } = fixture();
  const tier = new InternalNlbTier(stack, 'Tier', { vpc, ...props });
  return { stack, vpc, tier, template: Template.fromStack(stack) };
}

describe('InternalNlbTier', () => {
  test('creates an internal network load balancer in the private subnets, with a security group and cross-zone balancing', () => {
    const { template } = synth();

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Type: 'network',
      Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^TierSecurityGroup'), 'GroupId'] }],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
  });

  test('listens on TCP 9090 and forwards to a TCP instance target group with the reference health checks', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 9090,
      Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^TierTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 9090,
      Protocol: 'TCP',
      TargetType: 'instance',
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'TCP',
      HealthCheckPort: 'traffic-port',
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
        { Key: 'preserve_client_ip.enabled', Value: 'false' },
      ]),
    });
  });

  test('admits nothing and sends nothing until clients and targets are connected', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internal NLB of a uwsgi app tier',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })],
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('a client allowed through connections may reach the listener port from its security group only', () => {
    const { stack, vpc } = fixture();
    const tier = new InternalNlbTier(stack, 'Tier', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });

    tier.connections.allowDefaultPortFrom(client);

    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9090,
      ToPort: 9090,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TierSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
    });
  });

  test('takes every setting from props', () => {
    const { template, tier } = synth({
      port: 8000,
      healthyThresholdCount: 3,
      unhealthyThresholdCount: 4,
      healthCheckInterval: Duration.seconds(30),
      healthCheckTimeout: Duration.seconds(20),
      deregistrationDelay: Duration.seconds(15),
      crossZoneEnabled: false,
      preserveClientIp: true,
      loadBalancerName: 'app-tier',
      targetGroupName: 'app-targets',
    });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Name: 'app-tier',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'false' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8000 });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: 'app-targets',
      Port: 8000,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 4,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 20,
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '15' },
        { Key: 'preserve_client_ip.enabled', Value: 'true' },
      ]),
    });
    expect(tier.upstreamPort).toBe(8000);
    expect(tier.targetPort).toBe(8000);
  });

  test.each([
    [5, 4],
    [9, 8],
    [10, 9],
    [11, 10],
    [60, 10],
    [300, 10],
  ])('a health-check interval of %i s gets a timeout of %i s, strictly shorter, which ELB accepts', (interval, timeout) => {
    const { template } = synth({ healthCheckInterval: Duration.seconds(interval) });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: interval,
      HealthCheckTimeoutSeconds: timeout,
    });
  });

  test.each([
    ['healthCheckInterval', (d: Duration) => ({ healthCheckInterval: d })],
    ['healthCheckTimeout', (d: Duration) => ({ healthCheckTimeout: d })],
  ])('fails on a %s known only at deploy time: the timeout must be shorter than the interval, checked at synthesis', (prop, props) => {
    const { stack, vpc } = fixture();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number', default: 5 });

    expect(() => new InternalNlbTier(stack, 'Tier', { vpc, ...props(Duration.seconds(seconds.valueAsNumber)) }))
      .toThrow(`InternalNlbTier at 'Stack/Tier': invalid ${prop}: got 'a value known only at deploy time', `
        + 'expected a duration known at synthesis: the timeout must be shorter than the interval, which is checked at synthesis');
  });

  test('a given timeout 1 s shorter than the interval is kept', () => {
    const { template } = synth({ healthCheckInterval: Duration.seconds(5), healthCheckTimeout: Duration.seconds(4) });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
    });
  });

  test.each([
    [{ healthCheckTimeout: Duration.seconds(1) }, "invalid healthCheckTimeout: got '1 seconds', expected a whole number of seconds from 2 to 120"],
    [{ healthCheckTimeout: Duration.seconds(121), healthCheckInterval: Duration.seconds(300) }, "invalid healthCheckTimeout: got '121 seconds', expected a whole number of seconds from 2 to 120"],
    [{ healthCheckTimeout: Duration.seconds(11), healthCheckInterval: Duration.seconds(10) },
      "invalid healthCheckTimeout: got '11 seconds', expected a timeout shorter than healthCheckInterval (10 seconds), from 2 to 9 seconds: Elastic Load Balancing requires it (\"Health check interval must be greater than the timeout\")"],
    [{ healthCheckTimeout: Duration.seconds(10), healthCheckInterval: Duration.seconds(10) },
      "invalid healthCheckTimeout: got '10 seconds', expected a timeout shorter than healthCheckInterval (10 seconds), from 2 to 9 seconds: Elastic Load Balancing requires it (\"Health check interval must be greater than the timeout\")"],
    [{ healthCheckTimeout: Duration.seconds(5) },
      "invalid healthCheckTimeout: got '5 seconds', expected a timeout shorter than healthCheckInterval (5 seconds), from 2 to 4 seconds: Elastic Load Balancing requires it (\"Health check interval must be greater than the timeout\")"],
    [{ healthCheckTimeout: Duration.seconds(120), healthCheckInterval: Duration.seconds(120) },
      "invalid healthCheckTimeout: got '120 seconds', expected a timeout shorter than healthCheckInterval (120 seconds), from 2 to 119 seconds: Elastic Load Balancing requires it (\"Health check interval must be greater than the timeout\")"],
  ])('fails on a health-check timeout that is not shorter than the interval or out of ELB\'s range: %o', (props, message) => {
    const { stack, vpc } = fixture();

    expect(() => new InternalNlbTier(stack, 'Tier', { vpc, ...props })).toThrow(`InternalNlbTier at 'Stack/Tier': ${message}`);
    Template.fromStack(stack).resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
  });

  test.each<[string, Partial<InternalNlbTierProps>, ec2.VpcProps | undefined, string]>([
    // Ports
    ['a port of 0', { port: 0 }, undefined, 'invalid port: got 0, expected an integer from 1 to 65535'],
    ['a port of 65536', { port: 65536 }, undefined, 'invalid port: got 65536, expected an integer from 1 to 65535'],
    // Health checks and deregistration: the limits of Elastic Load Balancing
    ['a healthy threshold of 1', { healthyThresholdCount: 1 }, undefined, 'invalid healthyThresholdCount: got 1, expected an integer from 2 to 10'],
    ['an unhealthy threshold of 11', { unhealthyThresholdCount: 11 }, undefined, 'invalid unhealthyThresholdCount: got 11, expected an integer from 2 to 10'],
    ['a health-check interval of 4 s', { healthCheckInterval: Duration.seconds(4) }, undefined, "invalid healthCheckInterval: got '4 seconds', expected a whole number of seconds from 5 to 300"],
    ['a health-check interval of 301 s', { healthCheckInterval: Duration.seconds(301) }, undefined, "invalid healthCheckInterval: got '301 seconds', expected a whole number of seconds from 5 to 300"],
    ['a health-check interval of 5.5 s', { healthCheckInterval: Duration.millis(5500) }, undefined, "invalid healthCheckInterval: got '5.5 seconds', expected a whole number of seconds from 5 to 300"],
    ['a deregistration delay of 3601 s', { deregistrationDelay: Duration.seconds(3601) }, undefined, "invalid deregistrationDelay: got '3601 seconds', expected a whole number of seconds from 0 to 3600"],
    // Names AWS would reject
    ['a load balancer name of 33 characters', { loadBalancerName: 'a'.repeat(33) }, undefined, `invalid loadBalancerName: got '${'a'.repeat(33)}', ${LOAD_BALANCER_NAME}`],
    ['a load balancer name with an underscore', { loadBalancerName: 'app_tier' }, undefined, `invalid loadBalancerName: got 'app_tier', ${LOAD_BALANCER_NAME}`],
    ["a load balancer name starting with 'internal-'", { loadBalancerName: 'internal-app' }, undefined, `invalid loadBalancerName: got 'internal-app', ${LOAD_BALANCER_NAME}`],
    ['a target group name ending with a hyphen', { targetGroupName: 'targets-' }, undefined, "invalid targetGroupName: got 'targets-', expected a target group name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen"],
    // Subnets: an internal load balancer in private subnets of two zones
    ['a VPC without private subnets', {}, ONLY_PUBLIC, "invalid vpcSubnets: got 'subnetType Private', expected a selection of private subnets of the VPC (There are no 'Private' subnet groups in this VPC. Available types: Public)"],
    ['a single Availability Zone', {}, ONE_AZ, "invalid vpcSubnets: got 'subnetType Private in 1 Availability Zone(s)', expected private subnets in at least 2 Availability Zones"],
  ])('fails on %s, before creating anything', (_, props, vpcProps, message) => {
    const { stack, vpc } = fixture(vpcProps);

    expect(() => new InternalNlbTier(stack, 'Tier', { vpc, ...props })).toThrow(`InternalNlbTier at 'Stack/Tier': ${message}`);
    expect(stack.node.tryFindChild('Tier')?.node.children).toEqual([]);
  });

  // Not the thresholds: aws-cdk-lib's target group rejects a token threshold itself, at synthesis.
  test('leaves a port, a deregistration delay and names from CloudFormation parameters to deploy time', () => {
    const { stack, vpc } = fixture();
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const text = (id: string) => new CfnParameter(stack, id).valueAsString;

    new InternalNlbTier(stack, 'Tier', {
      vpc,
      port: number('Port'),
      deregistrationDelay: Duration.seconds(number('Delay')),
      loadBalancerName: text('LoadBalancerName'),
      targetGroupName: text('TargetGroupName'),
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: { Ref: 'Port' } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Name: { Ref: 'LoadBalancerName' } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: { Ref: 'TargetGroupName' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: { Ref: 'Delay' } }]),
    });
  });

  test('offers its DNS name and port as the uwsgi upstream', () => {
    const { stack, tier } = synth();

    expect(stack.resolve(tier.upstreamHost)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Tier/), 'DNSName'] });
    expect(tier.upstreamPort).toBe(9090);
  });

  test('offers the DNS name of its node in each zone, <zone>.<DNS name>, for a web server to fail over between', () => {
    const { stack, tier } = synth();

    const dnsName = { 'Fn::GetAtt': [expect.stringMatching(/^Tier/), 'DNSName'] };
    expect(stack.resolve(tier.upstreamZonalHosts)).toEqual([0, 1].map(i => ({
      'Fn::Join': ['.', [{ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] }, dnsName]],
    })));
  });

  test.each([
    ['creates', undefined],
    ['accepts', 'existing'],
  ])('%s its security group', (_, existing) => {
    const { stack, vpc } = fixture();
    const securityGroup = existing ? new ec2.SecurityGroup(stack, 'Existing', { vpc }) : undefined;

    const tier = new InternalNlbTier(stack, 'Tier', { vpc, securityGroup });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    if (securityGroup) {
      expect(tier.securityGroup).toBe(securityGroup);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Existing'), 'GroupId'] }],
      });
    }
  });
});
