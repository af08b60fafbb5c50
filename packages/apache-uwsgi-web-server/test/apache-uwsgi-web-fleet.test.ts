import { UwsgiEndpoint } from '@nlb-tiers/core';
import { dependencyPath } from '@nlb-tiers/core/helpers-internal';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { ApacheUwsgiWebFleet, ApacheUwsgiWebFleetProps } from '../src';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/site/0a1b2c3d-0000-4000-8000-000000000000';

function fixture(vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }, env: { region?: string } = { region: 'eu-west-1' }) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const upstreamGroup = new ec2.SecurityGroup(stack, 'UpstreamGroup', { vpc, allowAllOutbound: false });
  const upstream = new UwsgiEndpoint({ host: 'app.internal.example', port: 9090, securityGroups: [upstreamGroup] });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return { app, stack, vpc, upstream, upstreamGroup, certificate };
}

function synth(props: (f: ReturnType<typeof fixture>) => Partial<ApacheUwsgiWebFleetProps> = () => ({})) {
  const f = fixture();
  const fleet = new ApacheUwsgiWebFleet(f.stack, 'Web', { vpc: f.vpc, upstream: f.upstream, ...props(f) });
  return { ...f, fleet, template: Template.fromStack(f.stack) };
}

const https = (f: ReturnType<typeof fixture>) => ({ certificate: f.certificate });

function association(template: Template) {
  return Object.values(template.findResources('AWS::SSM::Association'))[0].Properties;
}

function script(template: Template): string {
  return association(template).Parameters.commands.join('\n');
}

describe('ApacheUwsgiWebFleet', () => {
  test('runs two web servers in the private subnets of two zones, behind an internet-facing load balancer in the public ones', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '2',
      DesiredCapacity: '2',
      VPCZoneIdentifier: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPublicSubnet2') }],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.micro',
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8 } }],
      }),
    });
    template.resourceCountIs('AWS::EC2::EIP', 1); // the VPC's NAT gateway's: no web server has one
  });

  test('is created only after CloudFormation got a signal from every server, replaces servers its load balancer finds unhealthy, and rolls updates one at a time', () => {
    const { template } = synth();

    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({ HealthCheckType: 'ELB', HealthCheckGracePeriod: 2400 }),
      CreationPolicy: { ResourceSignal: { Count: 2, Timeout: 'PT40M' } },
      UpdatePolicy: Match.objectLike({
        AutoScalingRollingUpdate: { MaxBatchSize: 1, MinInstancesInService: 1, PauseTime: 'PT40M', WaitOnResourceSignals: true },
      }),
    });
  });

  test('the association targets the group\'s instances by a tag of its own and does not wait for the group', () => {
    const { stack, fleet, template } = synth();
    const groupId = stack.resolve((fleet.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).logicalId);
    const associationId = Object.keys(template.findResources('AWS::SSM::Association'))[0];

    expect(association(template)).toEqual(expect.objectContaining({
      Name: 'AWS-RunShellScript',
      Targets: [{ Key: 'tag:nlb-tiers:provisioning', Values: [expect.stringMatching(/^Stack\/StackWeb[0-9A-F]{8}$/)] }],
      WaitForSuccessTimeoutSeconds: 2400,
    }));
    expect(script(template)).toContain(`nlbt_signal_resource='${groupId}'`);
    expect(dependencyPath(template.toJSON(), associationId, groupId)).toBeUndefined();
  });

  test('provisions each server with the web server\'s script and configuration, and a health check path that httpd answers itself', () => {
    const { template } = synth();
    const commands = script(template);

    expect(commands).toContain('yum install -y httpd');
    expect(commands).toContain('BalancerMember "uwsgi://app.internal.example:9090" retry=0');
    expect(commands).toContain('ProxyPass "/nlb-tiers-health" "!"');
    expect(commands.indexOf('ProxyPass "/nlb-tiers-health" "!"')).toBeLessThan(commands.indexOf('ProxyPass "/" "balancer://'));
    expect(commands).toContain('health_path=\'/nlb-tiers-health\'');
  });

  test('checks each server over HTTP on its health check path, and drains it for a minute', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/nlb-tiers-health',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }]),
    });
  });

  test('takes the health check path, interval, thresholds and deregistration delay from props', () => {
    const { template } = synth(() => ({
      httpPort: 8080,
      healthCheckPath: '/ops/alive',
      healthCheckInterval: Duration.seconds(5),
      healthyThresholdCount: 3,
      unhealthyThresholdCount: 4,
      deregistrationDelay: Duration.seconds(30),
    }));

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      HealthCheckPath: '/ops/alive',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 4,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    expect(script(template)).toContain('ProxyPass "/ops/alive" "!"');
  });

  test('without a certificate, one HTTP listener on port 80 forwards to the servers', () => {
    const { stack, fleet, template } = synth();

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargetGroup') } }],
    });
    expect(fleet.httpsListener).toBeUndefined();
    expect(stack.resolve(fleet.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^WebLoadBalancer/), 'DNSName'] }, '/']] });
  });

  test('with a certificate, HTTPS on 443 with the certificate and the TLS 1.2/1.3 post-quantum policy forwards, and HTTP on 80 redirects to it', () => {
    const { template } = synth(https);

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('takes the listener ports and TLS policy from props, and its URL names the HTTPS port', () => {
    const { stack, fleet, template } = synth(f => ({
      certificate: f.certificate, loadBalancerHttpPort: 8080, loadBalancerHttpsPort: 8443, sslPolicy: elbv2.SslPolicy.TLS13_13,
    }));

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 8080, DefaultActions: [Match.objectLike({ RedirectConfig: Match.objectLike({ Port: '8443' }) })],
    });
    expect(JSON.stringify(stack.resolve(fleet.url))).toMatch(/"https:\/\/",.*":8443\/"/);
  });

  test('the servers admit HTTP from the load balancer\'s security group only, and the upstream admits the servers', () => {
    const { stack, fleet, upstreamGroup, template } = synth(https);
    const serverGroup = stack.resolve(fleet.securityGroup.securityGroupId);
    const lbGroup = stack.resolve(fleet.loadBalancer.connections.securityGroups[0].securityGroupId);

    const ingressOfServers = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map(r => r.Properties).filter(p => JSON.stringify(p.GroupId) === JSON.stringify(serverGroup));
    expect(ingressOfServers).toEqual([expect.objectContaining({ FromPort: 80, ToPort: 80, SourceSecurityGroupId: lbGroup })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Apache web fleet: HTTP from the load balancer only',
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(upstreamGroup.securityGroupId), FromPort: 9090, SourceSecurityGroupId: serverGroup,
    });
  });

  test('the load balancer admits its listener ports from anywhere by default, and only from the allowed peers when given', () => {
    const open = synth(https).template;
    open.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Web fleet load balancer: its listeners from the allowed peers only',
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 }),
      ],
    });

    const narrow = synth(f => ({ certificate: f.certificate, allowedPeers: [ec2.Peer.ipv4('198.51.100.0/24'), ec2.Peer.ipv4('203.0.113.0/24')] })).template;
    const ingress = Object.values(narrow.findResources('AWS::EC2::SecurityGroup'))
      .find(r => r.Properties.GroupDescription.startsWith('Web fleet load balancer'))!.Properties.SecurityGroupIngress;
    expect(ingress.map((r: { CidrIp: string; FromPort: number }) => `${r.CidrIp}:${r.FromPort}`).sort())
      .toEqual(['198.51.100.0/24:443', '198.51.100.0/24:80', '203.0.113.0/24:443', '203.0.113.0/24:80']);
  });

  test('writes access logs to a new SSE-S3 bucket under its prefix, with the policy of the region\'s load balancers', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^WebAccessLogBucket') } },
        { Key: 'access_logs.s3.prefix', Value: 'web-fleet' },
      ]),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ExpireAccessLogs', ExpirationInDays: 90 })] },
    });
    // eu-west-1's load balancers write with account 156460612806 (a region from before August 2022).
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^WebAccessLogBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:PutObject',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } },
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WebAccessLogBucket'), 'Arn'] }, '/web-fleet/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
        })]),
      },
    });
  });

  test('writes access logs to a given bucket under a given prefix', () => {
    const { stack, template } = synth(f => ({ accessLogBucket: new s3.Bucket(f.stack, 'Logs'), accessLogPrefix: 'edge/site' }));

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^Logs') } },
        { Key: 'access_logs.s3.prefix', Value: 'edge/site' },
      ]),
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => id.startsWith('WebAccessLogBucket'))).toEqual([]);
    expect(stack.node.tryFindChild('Web')!.node.tryFindChild('AccessLogBucket')).toBeUndefined();
  });

  test('associates a given web ACL with the load balancer, and none by default', () => {
    synth().template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const { template } = synth(() => ({ webAclArn: WEB_ACL_ARN }));

    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^WebLoadBalancer') },
      WebACLArn: WEB_ACL_ARN,
    });
  });

  test('with a domain name and its zone, an alias record points at the load balancer and the URL uses the name', () => {
    const { stack, fleet, template } = synth(f => ({
      certificate: f.certificate,
      domainName: 'www.example.com',
      domainZone: route53.HostedZone.fromHostedZoneAttributes(f.stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    }));

    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'www.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    expect(stack.resolve(fleet.url)).toBe('https://www.example.com/');
  });

  test('reports nothing to cdk-nag\'s AwsSolutions checks that is not acknowledged with a reason, with and without HTTPS', () => {
    for (const props of [() => ({}), https]) {
      const { app, stack } = synth(props);
      app.synth();
      const report = new AwsSolutionsChecks(app).validateScope(stack);
      const findings = report.violations
        .flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`))
        .filter(f => / at Stack\/Web\//.test(f));
      expect(findings).toEqual([]);
    }
  });

  test('without a certificate, acknowledges with a reason the findings that ask for HTTPS, which cdk-nag would report', () => {
    const httpsRules = ['NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired'];
    const nist = (app: App, stack: Stack) => new NIST80053R5Checks(app).validateScope(stack).violations
      .filter(v => httpsRules.includes(v.ruleName))
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.constructPath}`));
    const plain = fixture();
    const lb = new elbv2.ApplicationLoadBalancer(plain.stack, 'Plain', { vpc: plain.vpc });
    lb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    plain.app.synth();
    expect(nist(plain.app, plain.stack).sort()).toEqual(httpsRules.map(r => `${r} at Stack/Plain/Http/Resource`).sort());

    for (const props of [() => ({}), https]) {
      const { app, stack } = synth(props);
      app.synth();
      expect(nist(app, stack)).toEqual([]);
    }
  });

  describe('fails, naming the prop, on', () => {
    test.each<[string, (f: ReturnType<typeof fixture>) => Partial<ApacheUwsgiWebFleetProps>, RegExp]>([
      ['an SSL policy without a certificate', () => ({ sslPolicy: elbv2.SslPolicy.TLS13_13 }),
        /invalid sslPolicy: got 'ELBSecurityPolicy-TLS13-1-3-2021-06', expected no value without a certificate: the load balancer has no HTTPS listener unless certificate is given/],
      ['an HTTPS port without a certificate', () => ({ loadBalancerHttpsPort: 8443 }),
        /invalid loadBalancerHttpsPort: got 8443, expected no value without a certificate/],
      ['the same port for HTTP and HTTPS', f => ({ certificate: f.certificate, loadBalancerHttpPort: 8443, loadBalancerHttpsPort: 8443 }),
        /invalid loadBalancerHttpsPort: got 8443, expected a port other than loadBalancerHttpPort \(8443\): each listener needs a port of its own/],
      ['a listener port out of range', () => ({ loadBalancerHttpPort: 70000 }), /invalid loadBalancerHttpPort: got 70000, expected an integer from 1 to 65535/],
      ['an empty peer list', () => ({ allowedPeers: [] }),
        /invalid allowedPeers: got '\[\]', expected at least one peer: with none, nobody could reach the load balancer/],
      ['a domain name outside its zone', f => ({
        domainName: 'www.example.org',
        domainZone: route53.HostedZone.fromHostedZoneAttributes(f.stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      }), /invalid domainName: got 'www.example.org', expected the name of the zone 'example.com' or a name within it \(such as 'www.example.com'\)/],
      ['a name that only ends like the zone', f => ({
        domainName: 'badexample.com',
        domainZone: route53.HostedZone.fromHostedZoneAttributes(f.stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      }), /invalid domainName: got 'badexample.com'/],
      ['a domain name without a zone', () => ({ domainName: 'www.example.com' }),
        /invalid domainZone: got 'no value', expected a value with domainName: the alias record needs both a name and the zone it is created in/],
      ['a zone without a domain name', f => ({
        domainZone: route53.HostedZone.fromHostedZoneAttributes(f.stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      }), /invalid domainName: got 'no value', expected a value with domainZone/],
      ['a health check path of \'/\', which is proxied', () => ({ healthCheckPath: '/' }), /invalid healthCheckPath: got '\/', expected a path such as '\/health'/],
      ['a health check path that climbs out of the document root', () => ({ healthCheckPath: '/a/../etc' }), /invalid healthCheckPath: got '\/a\/..\/etc'/],
      ['a health check interval below 5 seconds', () => ({ healthCheckInterval: Duration.seconds(2) }),
        /invalid healthCheckInterval: got '2 seconds', expected a whole number of seconds from 5 to 300/],
      ['an unhealthy threshold of 1', () => ({ unhealthyThresholdCount: 1 }), /invalid unhealthyThresholdCount: got 1, expected an integer from 2 to 10/],
      ['an access log prefix with AWSLogs', () => ({ accessLogPrefix: 'x/AWSLogs' }),
        /invalid accessLogPrefix: got 'x\/AWSLogs', expected a prefix without 'AWSLogs', which Elastic Load Balancing adds after it/],
      ['an access log bucket encrypted with a KMS key', f => ({
        accessLogBucket: new s3.Bucket(f.stack, 'Logs', { encryptionKey: new kms.Key(f.stack, 'Key') }),
      }), /invalid accessLogBucket: got 'a bucket encrypted with a KMS key', expected a bucket encrypted with S3-managed keys \(SSE-S3\)/],
      ['a CloudFront (global) web ACL', () => ({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0a1b2c3d' }),
        /invalid webAclArn: got 'arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/site\/0a1b2c3d', expected the ARN of a regional AWS WAF \(wafv2\) web ACL/],
      ['an HTTP port of 443 on the servers', () => ({ httpPort: 443 }), /invalid httpPort: got 443, expected a port other than 22 \(SSH\) and 443 \(HTTPS\)/],
      ['a desired capacity above the maximum', () => ({ desiredCapacity: 3 }), /invalid desiredCapacity: got 3, expected a value from minCapacity \(2\) to maxCapacity \(2\)/],
    ])('%s', (_, props, message) => {
      const f = fixture();
      expect(() => new ApacheUwsgiWebFleet(f.stack, 'Web', { vpc: f.vpc, upstream: f.upstream, ...props(f) }))
        .toThrow(new RegExp(`^ApacheUwsgiWebFleet at 'Stack/Web': ${message.source}`));
    });

    test('server subnets in a single zone', () => {
      const f = fixture({ maxAzs: 1, natGateways: 1 });
      expect(() => new ApacheUwsgiWebFleet(f.stack, 'Web', { vpc: f.vpc, upstream: f.upstream }))
        .toThrow(/invalid vpcSubnets: got 'subnetType Private in 1 Availability Zone\(s\)', expected private subnets in at least 2 Availability Zones/);
    });

    test('a stack without a region: the access log bucket\'s policy names the region\'s load balancers', () => {
      const f = fixture(undefined, {});
      expect(() => new ApacheUwsgiWebFleet(f.stack, 'Web', { vpc: f.vpc, upstream: f.upstream }))
        .toThrow(/invalid the stack's region: got 'a region known only at deploy time', expected a stack with a region \(env: \{ region \}\)/);
    });

  });

  test('fails before it creates anything when a prop is invalid', () => {
    const f = fixture();
    expect(() => new ApacheUwsgiWebFleet(f.stack, 'Web', { vpc: f.vpc, upstream: f.upstream, allowedPeers: [] })).toThrow();
    expect(f.stack.node.tryFindChild('Web')!.node.children).toEqual([]);
  });
});
