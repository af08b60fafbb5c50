import { AmazonLinuxGeneration, UwsgiEndpoint } from '@nlb-tiers/core';
import { dependencyPath } from '@nlb-tiers/core/helpers-internal';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ApacheUwsgiWebServer, ApacheUwsgiWebServerProps } from '../src';

function fixture(vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const upstreamGroup = new ec2.SecurityGroup(stack, 'UpstreamGroup', { vpc, allowAllOutbound: false });
  const upstream = new UwsgiEndpoint({ host: 'app.internal.example', port: 9090, securityGroups: [upstreamGroup] });
  return { stack, vpc, upstream };
}

function synth(props: Partial<ApacheUwsgiWebServerProps> = {}) {
  const { stack, vpc, upstream } = fixture();
  const server = new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, ...props });
  return { stack, server, template: Template.fromStack(stack) };
}

const ONLY_PRIVATE: ec2.VpcProps = { maxAzs: 2, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] };
const NOT_PLAIN_HTTP = 'expected a port other than 22 (SSH) and 443 (HTTPS): the server speaks plain HTTP';

function association(template: Template) {
  return Object.values(template.findResources('AWS::SSM::Association'))[0].Properties;
}

describe('ApacheUwsgiWebServer', () => {
  test('runs one t4g.micro Amazon Linux 2023 arm64 instance in a public subnet with an Elastic IP', () => {
    const { template } = synth();

    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.micro',
      SubnetId: { Ref: Match.stringLikeRegexp('^VpcPublicSubnet1') },
      ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*arm64') },
      Tags: Match.arrayWith([{ Key: 'Server', Value: 'ApacheWeb' }]),
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8 } }],
    });
    template.hasResourceProperties('AWS::EC2::EIP', {
      Domain: 'vpc',
      InstanceId: { Ref: Match.stringLikeRegexp('^Web') },
    });
  });

  test('requires IMDSv2', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });

  test('admits HTTP 80 from anywhere and nothing else, SSH included', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Apache web server: HTTP from the allowed peers only',
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: 'HTTP from an allowed peer' }],
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"FromPort":22\b/);
  });

  test('admits HTTP only from the configured peers, on the configured port', () => {
    const { template } = synth({ httpPort: 8080, allowedPeers: [ec2.Peer.ipv4('198.51.100.0/24')] });

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '198.51.100.0/24', FromPort: 8080, ToPort: 8080 })],
    });
  });

  test('opens the upstream security group to itself on the upstream port', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9090,
      ToPort: 9090,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UpstreamGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSecurityGroup'), 'GroupId'] },
    });
  });

  test('gives the instance a role with AmazonSSMManagedInstanceCore', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
  });

  test('is provisioned by AWS-RunShellScript on exactly its instance, by a tag of its own, output to S3, waited for 40 minutes, the run 35', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::SSM::Association', {
      Name: 'AWS-RunShellScript',
      Parameters: Match.objectLike({ executionTimeout: ['2100'] }),
      Targets: [{ Key: 'tag:nlb-tiers:provisioning', Values: [Match.stringLikeRegexp('^Stack/StackWeb[0-9A-F]{8}$')] }],
      WaitForSuccessTimeoutSeconds: 2400,
      OutputLocation: { S3Location: { OutputS3KeyPrefix: 'shellscript-association-log', OutputS3BucketName: { Ref: Match.stringLikeRegexp('^WebLogBucket') } } },
    });
    const value = association(template).Targets[0].Values[0];
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: 'nlb-tiers:provisioning', Value: value }]) });
  });

  test('the instance completes only once it signalled, within the provisioning timeout', () => {
    const { template } = synth({ provisioningTimeout: Duration.minutes(25) });

    template.hasResource('AWS::EC2::Instance', { CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT25M' } } });
  });

  test('the script signals the instance\'s own CreationPolicy, in the stack\'s region, when it exits', () => {
    const { stack, server, template } = synth();

    const script = Stack.of(stack).resolve(association(template).Parameters.commands).map((c: unknown) => JSON.stringify(c)).join('\n');
    expect(script).toContain(JSON.stringify({ 'Fn::Join': ['', ['nlbt_signal_stack=\'', { Ref: 'AWS::StackName' }, '\'']] }));
    expect(script).toContain(`"nlbt_signal_resource='${stack.resolve(server.instance.instance.logicalId)}'"`);
    expect(script).toContain(JSON.stringify({ 'Fn::Join': ['', ['nlbt_signal_region=\'', { Ref: 'AWS::Region' }, '\'']] }));
    expect(script).toContain('"trap \'nlbt_signal $? \\"$BASH_COMMAND\\"\' EXIT"');
  });

  test.each([true, false])('the association waits for nothing that waits for the instance, so the instance\'s signal can come (Elastic IP: %s)', elasticIp => {
    const { stack, server, template } = synth({ elasticIp });

    const instance = stack.resolve(server.instance.instance.logicalId);
    const associationId = stack.resolve(server.provisioning.association.logicalId);
    expect(dependencyPath(template.toJSON(), associationId, instance)).toBeUndefined();
    // The walk does find a wait where there is one: the Elastic IP waits for the instance.
    if (elasticIp) expect(dependencyPath(template.toJSON(), stack.resolve(server.elasticIp!.logicalId), instance)).toEqual([expect.stringMatching(/^WebElasticIp/), instance]);
  });

  test('the script installs httpd, writes the uwsgi proxy to the upstream, and starts and enables httpd', () => {
    const { template } = synth();

    const commands: string[] = association(template).Parameters.commands;
    const script = commands.join('\n');
    expect(script).toContain('yum install -y httpd');
    expect(script).toContain('BalancerMember "uwsgi://app.internal.example:9090" retry=0 disablereuse=On connectiontimeout=5 timeout=60');
    expect(script).toContain('ProxySet lbmethod=byrequests maxattempts=5');
    expect(script).toContain('ProxyPass "/" "balancer://nlb-tiers-upstream/"');
    expect(script).toContain('ProxyPassReverse "/" "balancer://nlb-tiers-upstream/"');
    expect(script).toContain('systemctl enable httpd');
    expect(script).toContain('systemctl start httpd');
  });

  test('takes the provisioning timeout, proxy timeouts, log bucket and prefix from props', () => {
    const { stack, vpc, upstream } = fixture();
    const logBucket = new s3.Bucket(stack, 'SharedLogs');

    new ApacheUwsgiWebServer(stack, 'Web', {
      vpc,
      upstream,
      logBucket,
      logKeyPrefix: 'web',
      provisioningTimeout: Duration.minutes(30),
      proxyConnectTimeout: Duration.seconds(2),
      proxyTimeout: Duration.seconds(20),
    });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const props = association(template);
    expect(props.WaitForSuccessTimeoutSeconds).toBe(1800);
    expect(props.Parameters.executionTimeout).toEqual(['1500']);
    expect(props.OutputLocation.S3Location).toEqual({
      OutputS3BucketName: { Ref: expect.stringMatching(/^SharedLogs/) },
      OutputS3KeyPrefix: 'web',
      OutputS3Region: { Ref: 'AWS::Region' },
    });
    expect(props.Parameters.commands.join('\n')).toContain('retry=0 disablereuse=On connectiontimeout=2 timeout=20');
  });

  test.each([
    ['creates', false],
    ['accepts', true],
  ])('%s its security group and admits HTTP into it', (_, existing) => {
    const { stack, vpc, upstream } = fixture();
    const securityGroup = existing ? new ec2.SecurityGroup(stack, 'Existing', { vpc }) : undefined;

    const server = new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, securityGroup });

    const template = Template.fromStack(stack);
    if (securityGroup) expect(server.securityGroup).toBe(securityGroup);
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('Apache web server') } });
    expect(Object.keys(groups)).toHaveLength(existing ? 0 : 1);
    const [groupLogicalId] = stack.resolve(server.securityGroup.securityGroupId)['Fn::GetAtt'];
    expect(template.toJSON().Resources[groupLogicalId].Properties.SecurityGroupIngress)
      .toContainEqual(expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }));
  });

  test('grants through its instance role', () => {
    const { stack, vpc, upstream } = fixture();
    const server = new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream });

    const bucket = new s3.Bucket(stack, 'Data');
    bucket.grantRead(server);

    expect(server.grantPrincipal).toBe(server.role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WebRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) },
    });
  });

  test('balances over the upstream\'s zonal names, one member each, and fails over as many times as asked', () => {
    const { stack, vpc } = fixture();
    const upstream = new UwsgiEndpoint({ host: 'nlb.example', port: 9090, zonalHosts: ['zone-a.nlb.example', 'zone-b.nlb.example'] });

    new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, proxyFailoverAttempts: 2 });

    const script = association(Template.fromStack(stack)).Parameters.commands.join('\n');
    expect(script.match(/^ +BalancerMember .*$/gm)).toEqual([
      '    BalancerMember "uwsgi://zone-a.nlb.example:9090" retry=0 connectiontimeout=5 timeout=60',
      '    BalancerMember "uwsgi://zone-b.nlb.example:9090" retry=0 connectiontimeout=5 timeout=60',
    ]);
    expect(script).toContain('ProxySet lbmethod=byrequests maxattempts=2');
  });

  test('launches only once its public subnet routes to the internet gateway', () => {
    const { template } = synth();

    const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(instance.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^VpcPublicSubnet1DefaultRoute/),
    ]));
  });

  test('the Elastic IP waits for the gateway attachment, and for the instance, which completes after its provisioning signalled', () => {
    const { stack, server, template } = synth();

    const [eip] = Object.entries(template.findResources('AWS::EC2::EIP', { Properties: { InstanceId: Match.anyValue() } }));
    expect(eip[1].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^VpcVPCGW/)]));
    expect(eip[1].Properties.InstanceId).toEqual({ Ref: stack.resolve(server.instance.instance.logicalId) });
  });

  test('without an Elastic IP, the URL is the instance public address', () => {
    const { stack, server, template } = synth({ elasticIp: false });

    template.resourceCountIs('AWS::EC2::EIP', 1); // the NAT gateway's only
    expect(stack.resolve(server.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^Web/), 'PublicIp'] }, '/']] });
  });

  test('selects the Amazon Linux 2023 image of the instance architecture', () => {
    const { template } = synth({ instanceType: new ec2.InstanceType('t3.small') });
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't3.small',
      ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*x8664') },
    });
  });

  test('runs Amazon Linux 2 when asked, and warns that it is past its end of support', () => {
    const { stack, template } = synth({ amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2 });
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: { Ref: Match.stringLikeRegexp('amzn2ami.*arm64') } });
    Annotations.fromStack(stack).hasWarning('/Stack/Web', Match.stringLikeRegexp('^ApacheUwsgiWebServer runs Amazon Linux 2, which reached its end of support on 2026-06-30'));
  });

  test('gives no warning of its own with the defaults', () => {
    const { stack } = synth();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('@nlb-tiers/'));
  });

  test.each<[string, Partial<ApacheUwsgiWebServerProps>, ec2.VpcProps | undefined, string]>([
    // Ports
    ['an HTTP port of 70000', { httpPort: 70000 }, undefined, 'invalid httpPort: got 70000, expected an integer from 1 to 65535'],
    ['HTTP on port 443', { httpPort: 443 }, undefined, `invalid httpPort: got 443, ${NOT_PLAIN_HTTP}`],
    ['HTTP on port 22', { httpPort: 22 }, undefined, `invalid httpPort: got 22, ${NOT_PLAIN_HTTP}`],
    // Timeouts
    ['a proxy timeout of 0', { proxyTimeout: Duration.seconds(0) }, undefined, "invalid proxyTimeout: got '0 seconds', expected a whole number of seconds from 1 to 3600"],
    ['a proxy connect timeout of 301 s', { proxyConnectTimeout: Duration.seconds(301) }, undefined, "invalid proxyConnectTimeout: got '301 seconds', expected a whole number of seconds from 1 to 300"],
    // Failover
    ['21 proxy failover attempts', { proxyFailoverAttempts: 21 }, undefined, 'invalid proxyFailoverAttempts: got 21, expected an integer from 0 to 20'],
    ['an upstream with an empty list of zonal names', { upstream: new UwsgiEndpoint({ host: 'nlb.example', port: 9090, zonalHosts: [] }) }, undefined,
      "invalid upstream.upstreamZonalHosts: got '[]', expected at least one host name, or none given to use upstreamHost"],
    ['a provisioning timeout of 12 hours and 1 second', { provisioningTimeout: Duration.seconds(43201) }, undefined, "invalid provisioningTimeout: got '43201 seconds', expected a whole number of seconds from 600 to 43200"],
    // Image and tags
    ['an x86_64 image for the default t4g instance type', { machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }) }, undefined,
      "invalid machineImage: got '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64', expected an image for the arm64 architecture of instance type t4g.micro, or an instance type for x86_64"],
    ["a tag key in the reserved 'aws:' namespace", { serverTagKey: 'aws:role' }, undefined, "invalid serverTagKey: got 'aws:role', expected a tag key of 1 to 128 characters that does not start with 'aws:'"],
    // Who may reach it, and where it runs
    ['no allowed peers', { allowedPeers: [] }, undefined, "invalid allowedPeers: got '[]', expected at least one peer: with none, nobody could reach the server"],
    ['a VPC without public subnets', {}, ONLY_PRIVATE, "invalid vpcSubnets: got 'subnetType Public', expected a selection of public subnets of the VPC (There are no 'Public' subnet groups in this VPC. Available types: Isolated,Deprecated_Isolated)"],
    ['placement in private subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, undefined, "invalid vpcSubnets: got 'subnetType Private', expected public subnets only"],
  ])('fails on %s, before creating anything', (_, props, vpcProps, message) => {
    const { stack, vpc, upstream } = fixture(vpcProps);

    expect(() => new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, ...props })).toThrow(`ApacheUwsgiWebServer at 'Stack/Web': ${message}`);
    expect(stack.node.tryFindChild('Web')?.node.children).toEqual([]);
  });

  test('leaves an HTTP port, a proxy timeout and a tag key from CloudFormation parameters to deploy time', () => {
    const { stack, vpc, upstream } = fixture();
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

    new ApacheUwsgiWebServer(stack, 'Web', {
      vpc,
      upstream,
      httpPort: number('HttpPort'),
      proxyTimeout: Duration.seconds(number('ProxyTimeout')),
      serverTagKey: new CfnParameter(stack, 'TagKey').valueAsString,
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: { Ref: 'HttpPort' }, ToPort: { Ref: 'HttpPort' } });
    expect(JSON.stringify(template.toJSON().Resources)).toContain('{"Ref":"ProxyTimeout"}');
  });

  test('fails on a provisioning timeout known only at deploy time: the script\'s own timeout is derived from it', () => {
    const { stack, vpc, upstream } = fixture();
    const provisioningTimeout = Duration.seconds(new CfnParameter(stack, 'ProvisioningTimeout', { type: 'Number' }).valueAsNumber);

    expect(() => new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream, provisioningTimeout }))
      .toThrow("ApacheUwsgiWebServer at 'Stack/Web': invalid provisioningTimeout: got 'a value known only at deploy time', expected a duration known at synthesis: the run's own timeout, 5 minutes shorter, is derived from it");
  });
});
