import * as fs from 'fs';
import * as path from 'path';
import { dependencyPath } from '@nlb-tiers/core/helpers-internal';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ReferenceArchitectureStack } from '../src/reference-architecture-stack';

const stack = new ReferenceArchitectureStack(new App(), 'Reference');
const template = Template.fromStack(stack);

/** The logical id of the one resource of a type whose id starts with a prefix. */
function logicalId(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('the reference architecture', () => {
  test('VPC 10.0.0.0/16 over two AZs, a public and a private /24 in each, one NAT gateway, no endpoints', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map(s => s.Properties);
    expect(subnets.map(s => s.CidrBlock).sort()).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']);
    expect(subnets.filter(s => s.MapPublicIpOnLaunch === true)).toHaveLength(2);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('security groups chain web -> NLB -> fleet on the uwsgi port, and the web server admits HTTP only', () => {
    const web = logicalId('AWS::EC2::SecurityGroup', 'WebServerSecurityGroup');
    const nlb = logicalId('AWS::EC2::SecurityGroup', 'AppTierSecurityGroup');
    const fleet = logicalId('AWS::EC2::SecurityGroup', 'AppFleetSecurityGroup');
    const ref = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] });

    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties);
    expect(ingress).toEqual(expect.arrayContaining([
      expect.objectContaining({ GroupId: ref(nlb), SourceSecurityGroupId: ref(web), FromPort: 9090, ToPort: 9090, IpProtocol: 'tcp' }),
      expect.objectContaining({ GroupId: ref(fleet), SourceSecurityGroupId: ref(nlb), FromPort: 9090, ToPort: 9090, IpProtocol: 'tcp' }),
    ]));
    expect(ingress).toHaveLength(2);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Apache web server: HTTP from the allowed peers only',
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: ref(nlb), DestinationSecurityGroupId: ref(fleet), FromPort: 9090, ToPort: 9090,
    });
  });

  test('internal NLB on TCP 9090 with TCP health checks 2/2 every 5 s (the article checks every 10 s) and client IP not preserved', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'network' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 9090, Protocol: 'TCP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 9090,
      Protocol: 'TCP',
      TargetType: 'instance',
      HealthCheckProtocol: 'TCP',
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      HealthCheckIntervalSeconds: 5,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'preserve_client_ip.enabled', Value: 'false' }]),
    });
  });

  test('the app fleet runs 2/2/2 t4g.micro instances behind the NLB', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '2',
      DesiredCapacity: '2',
      TargetGroupARNs: [{ Ref: logicalId('AWS::ElasticLoadBalancingV2::TargetGroup', 'AppTierTargetGroup') }],
    });
  });

  test('the web server association writes the proxy to the NLB\'s zonal DNS names, one balancer member per zone, and port', () => {
    const associations = template.findResources('AWS::SSM::Association', { Properties: { Name: 'AWS-RunShellScript' } });
    const commands = Object.values(associations)[0].Properties.Parameters.commands;
    const nlb = logicalId('AWS::ElasticLoadBalancingV2::LoadBalancer', 'AppTier');
    for (const zone of [0, 1]) {
      expect(commands).toContainEqual({
        'Fn::Join': ['', [
          '    BalancerMember "uwsgi://',
          { 'Fn::Join': ['.', [{ 'Fn::Select': [zone, { 'Fn::GetAZs': '' }] }, { 'Fn::GetAtt': [nlb, 'DNSName'] }]] },
          ':9090" retry=0 connectiontimeout=5 timeout=60',
        ]],
      });
    }
    expect(commands).toContain('ProxyPass "/" "balancer://nlb-tiers-upstream/"');
  });

  test('both associations write to the one shared log bucket, each under its own prefix, and wait 40 minutes', () => {
    const bucket = logicalId('AWS::S3::Bucket', 'ProvisioningLogs');
    const document = logicalId('AWS::SSM::Document', 'AppFleetProvisioningDocument');
    const associations = Object.values(template.findResources('AWS::SSM::Association')).map(a => a.Properties);
    const summary = associations.map(a => {
      const { OutputS3BucketName, OutputS3KeyPrefix } = a.OutputLocation.S3Location;
      return [a.Name, OutputS3BucketName, OutputS3KeyPrefix, a.WaitForSuccessTimeoutSeconds];
    });
    expect(summary.sort()).toEqual([
      ['AWS-RunShellScript', { Ref: bucket }, 'shellscript-association-log', 2400],
      [{ Ref: document }, { Ref: bucket }, 'playbook-association-log', 2400],
    ]);
    template.resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('the app association runs the playbook of a zipped file asset staged at synth time', () => {
    const assembly = (stack.node.root as App).synth();
    const document = logicalId('AWS::SSM::Document', 'AppFleetProvisioningDocument');
    const association = Object.values(template.findResources('AWS::SSM::Association', { Properties: { Name: { Ref: document } } }))[0];
    const sourceInfo = JSON.stringify(association.Properties.Parameters.SourceInfo);
    const hash = /([0-9a-f]{64})\.zip/.exec(sourceInfo)?.[1];
    expect(hash).toBeDefined();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
    expect(manifest.files[hash!].source).toEqual({ path: `asset.${hash}`, packaging: 'zip' });
    expect(fs.existsSync(path.join(assembly.directory, `asset.${hash}`, 'playbook.yml'))).toBe(true);
  });

  test('nothing launches or provisions before the VPC reaches the internet; the web server provisions through its launch-time public address, before its Elastic IP', () => {
    const resources = template.toJSON().Resources;
    const dependsOn = (id: string): string[] => resources[id].DependsOn ?? [];
    const group = logicalId('AWS::AutoScaling::AutoScalingGroup', 'AppFleet');
    const instance = logicalId('AWS::EC2::Instance', 'WebServer');
    const eip = logicalId('AWS::EC2::EIP', 'WebServerElasticIp');
    const webProvisioning = logicalId('AWS::SSM::Association', 'WebServerProvisioning');

    expect(dependsOn(group)).toEqual(expect.arrayContaining([logicalId('AWS::EC2::Route', 'VpcPrivateSubnet1DefaultRoute'), logicalId('AWS::EC2::Route', 'VpcPrivateSubnet2DefaultRoute')]));
    expect(dependsOn(instance)).toEqual(expect.arrayContaining([logicalId('AWS::EC2::Route', 'VpcPublicSubnet1DefaultRoute')]));
    expect(dependsOn(eip)).toEqual(expect.arrayContaining([logicalId('AWS::EC2::VPCGatewayAttachment', 'VpcVPCGW')]));
    // The Elastic IP refers to the instance, which completes only once provisioning signals: the
    // association must not wait for it, and reaches the internet through the subnet's public address.
    expect(dependencyPath(template.toJSON(), webProvisioning, eip)).toBeUndefined();
    expect(dependencyPath(template.toJSON(), eip, instance)).toEqual([eip, instance]);
    template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true, Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]) });
    expect(template.toJSON().Resources[instance].Properties.SubnetId).toEqual({ Ref: logicalId('AWS::EC2::Subnet', 'VpcPublicSubnet1Subnet') });
    // The NAT route itself waits for the NAT gateway, which CloudFormation creates only once available.
    expect(resources[logicalId('AWS::EC2::Route', 'VpcPrivateSubnet1DefaultRoute')].Properties.NatGatewayId).toEqual({ Ref: logicalId('AWS::EC2::NatGateway', 'VpcPublicSubnet1NATGateway') });
  });

  test('health checks carry a timeout shorter than their interval', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4 });
  });

  test('outputs the web URL of the Elastic IP', () => {
    template.hasOutput('WebUrl', {
      Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [logicalId('AWS::EC2::EIP', 'WebServerElasticIp'), 'PublicIp'] }, '/']] },
    });
  });

  test('synthesizes with no context lookups: images come from SSM parameters at deploy time', () => {
    expect(stack.node.metadata.filter(m => m.type === 'aws:cdk:missing')).toHaveLength(0);
    expect(Object.keys(template.toJSON().Parameters)).toEqual(expect.arrayContaining([expect.stringMatching(/^SsmParameterValue.*al2023.*arm64/)]));
  });
});
