import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InternalNlbTier, InternalNlbTierProps } from '../src';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  return { stack, vpc };
}

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
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 10,
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '300' },
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
    [5, 5],
    [9, 9],
    [10, 10],
    [60, 10],
  ])('a health-check interval of %i s gets a timeout of %i s, which ELB accepts', (interval, timeout) => {
    const { template } = synth({ healthCheckInterval: Duration.seconds(interval) });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: interval,
      HealthCheckTimeoutSeconds: timeout,
    });
  });

  test.each([
    [{ healthCheckTimeout: Duration.seconds(1) }, "invalid healthCheckTimeout: got '1 seconds', expected a whole number of seconds from 2 to 120"],
    [{ healthCheckTimeout: Duration.seconds(121), healthCheckInterval: Duration.seconds(300) }, "invalid healthCheckTimeout: got '121 seconds', expected a whole number of seconds from 2 to 120"],
    [{ healthCheckTimeout: Duration.seconds(11) }, "invalid healthCheckTimeout: got '11 seconds', expected at most healthCheckInterval (10 seconds): Elastic Load Balancing rejects a timeout longer than the interval"],
    [{ healthCheckTimeout: Duration.seconds(6), healthCheckInterval: Duration.seconds(5) }, "invalid healthCheckTimeout: got '6 seconds', expected at most healthCheckInterval (5 seconds): Elastic Load Balancing rejects a timeout longer than the interval"],
  ])('fails on a health-check timeout ELB rejects: %o', (props, message) => {
    const { stack, vpc } = fixture();

    expect(() => new InternalNlbTier(stack, 'Tier', { vpc, ...props })).toThrow(`InternalNlbTier at 'Stack/Tier': ${message}`);
  });

  test('offers its DNS name and port as the uwsgi upstream', () => {
    const { stack, tier } = synth();

    expect(stack.resolve(tier.upstreamHost)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Tier/), 'DNSName'] });
    expect(tier.upstreamPort).toBe(9090);
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
