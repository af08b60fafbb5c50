import * as fs from 'fs';
import * as path from 'path';
import { AmazonLinuxGeneration, ExistingUwsgiTargetGroup, IUwsgiTargetGroup } from '@nlb-tiers/core';
import { dependencyPath } from '@nlb-tiers/core/helpers-internal';
import { App, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FlaskApplication, FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '../src';
import { playbookDocumentContent } from '../src/private/playbook-document';

const HELLO_APP = path.join(__dirname, 'fixtures', 'hello-app');
/** An app whose module is a single file, greeting.py, defining `app`. */
const GREETING_APP = path.join(__dirname, 'fixtures', 'greeting-app');

function fixture(port = 9090, vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }) {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const nlbGroup = new ec2.SecurityGroup(stack, 'NlbGroup', { vpc, allowAllOutbound: false });
  const targetGroup = new elbv2.NetworkTargetGroup(stack, 'Targets', { vpc, port, protocol: elbv2.Protocol.TCP });
  const loadBalancer: IUwsgiTargetGroup = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: port, loadBalancerSecurityGroups: [nlbGroup] });
  return { stack, vpc, loadBalancer };
}

function synth(props: Partial<FlaskUwsgiAppFleetProps> = {}, port = 9090) {
  const { stack, vpc, loadBalancer } = fixture(port);
  const fleet = new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, ...props });
  return { stack, fleet, template: Template.fromStack(stack) };
}

/** The folder CDK staged for the playbook asset: what is zipped and uploaded. */
function stagedPlaybook(stack: Stack, fleet: FlaskUwsgiAppFleet): string {
  const assembly = (stack.node.root as App).synth();
  return path.join(assembly.directory, fleet.playbookAsset.assetPath);
}

describe('FlaskUwsgiAppFleet', () => {
  test('runs 2/2/2 instances in the private subnets, registered with the target group', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '2',
      DesiredCapacity: '2',
      VPCZoneIdentifier: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('^Targets') }],
      Tags: Match.arrayWith([{ Key: 'Server', Value: 'App', PropagateAtLaunch: true }]),
    });
  });

  test.each([
    ['the default provisioning timeout', {}, 2400],
    ['the provisioning timeout', { provisioningTimeout: Duration.minutes(20) }, 1200],
  ])('replaces an instance whose target the load balancer reports unhealthy, after a grace period of %s', (_, props: Partial<FlaskUwsgiAppFleetProps>, grace) => {
    const { template } = synth(props);

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { HealthCheckType: 'ELB', HealthCheckGracePeriod: grace });
  });

  test.each([
    ['the desired capacity', {}, 2, 'PT40M'],
    ['the desired capacity, not the minimum', { minCapacity: 1, desiredCapacity: 3, maxCapacity: 4 }, 3, 'PT40M'],
    ['the desired capacity, within the provisioning timeout', { provisioningTimeout: Duration.minutes(20) }, 2, 'PT20M'],
  ])('completes once %s of instances signalled', (_, props: Partial<FlaskUwsgiAppFleetProps>, count, timeout) => {
    const { template } = synth(props);

    template.hasResource('AWS::AutoScaling::AutoScalingGroup', { CreationPolicy: { ResourceSignal: { Count: count, Timeout: timeout } } });
  });

  test('the association passes its run the stack, the group\'s logical id and the region to signal, by name', () => {
    const { stack, fleet, template } = synth();

    template.hasResourceProperties('AWS::SSM::Association', {
      Parameters: Match.objectLike({
        SignalStack: [{ Ref: 'AWS::StackName' }],
        SignalResource: [stack.resolve((fleet.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).logicalId)],
        SignalRegion: [{ Ref: 'AWS::Region' }],
      }),
    });
  });

  test('the association waits for nothing that waits for the group, so the instances\' signals can come', () => {
    const { stack, fleet, template } = synth();

    const group = stack.resolve((fleet.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).logicalId);
    const association = stack.resolve(fleet.provisioning.association.logicalId);
    expect(dependencyPath(template.toJSON(), association, group)).toBeUndefined();
    // The walk finds a wait where there is one: the group waits for the role the association's output policy is attached to.
    expect(dependencyPath(template.toJSON(), group, stack.resolve((fleet.role.node.defaultChild as any).logicalId))).toBeDefined();
  });

  test('launches t4g.micro Amazon Linux 2023 arm64 with IMDSv2 required and an encrypted root volume', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.micro',
        ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*arm64') },
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8 } }],
        IamInstanceProfile: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetLaunchTemplateProfile'), 'Arn'] } },
      }),
    });
  });

  test('admits the uwsgi port from the load balancer security group and from nothing else', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Flask/uWSGI app servers: uwsgi from the load balancer only',
      SecurityGroupIngress: Match.absent(),
    });
    const ingress = template.findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.values(ingress).map(r => r.Properties)).toEqual([{
      Description: 'uwsgi from the load balancer',
      IpProtocol: 'tcp',
      FromPort: 9090,
      ToPort: 9090,
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^FleetSecurityGroup/), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^NlbGroup/), 'GroupId'] },
    }]);
    // The load balancer's group, which sends nothing by default, may now send to the fleet.
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: 9090,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NlbGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetSecurityGroup'), 'GroupId'] },
    });
  });

  test('its synthesized document has double braces only in references to parameters it declares', () => {
    // SSM checks a document's parameter references when it creates it: CreateDocument fails with
    // InvalidDocumentContent 'Parameter "PackageVersion" is not declared' (CrowdStrike/aws-ssm-distributor#66).
    const { template } = synth();

    const [document] = Object.values(template.findResources('AWS::SSM::Document'));
    const content = document.Properties.Content;
    const declared = Object.keys(content.parameters);
    // Every string of the content, keys included: the JSON around them has braces of its own.
    const strings = (value: unknown): string[] => typeof value === 'string' ? [value]
      : Array.isArray(value) ? value.flatMap(strings)
        : typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]) : [];
    const texts = strings(content);
    const references = texts.flatMap(t => [...t.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map(m => m[1]));

    expect(references.length).toBeGreaterThan(0);
    expect(references.filter(name => !declared.includes(name))).toEqual([]);
    // Nothing else: no stray, unbalanced or nested double braces, in the script's comments or anywhere.
    const stray = texts.filter(t => /\{\{|\}\}/.test(t.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, '')));
    expect(stray).toEqual([]);
  });

  test('is provisioned by its own SSM document from the playbook asset, on every instance of its own group', () => {
    const { stack, fleet, template } = synth();

    const documents = template.findResources('AWS::SSM::Document');
    expect(Object.keys(documents)).toHaveLength(1);
    const [documentId, document] = Object.entries(documents)[0];
    expect(document.Properties).toMatchObject({ DocumentType: 'Command', TargetType: '/AWS::EC2::Instance' });
    expect(document.Properties.Content).toEqual(playbookDocumentContent(2100));
    template.hasResourceProperties('AWS::SSM::Association', {
      Name: { Ref: documentId },
      Targets: [{ Key: 'tag:nlb-tiers:provisioning', Values: [Match.stringLikeRegexp('^Stack/StackFleet[0-9A-F]{8}$')] }],
      Parameters: Match.objectLike({
        SourceInfo: [Match.anyValue()],
        InstallAnsible: ['True'],
        ExtraVariables: ['SSM=True'],
        TimeoutSeconds: ['2100'],
      }),
      WaitForSuccessTimeoutSeconds: 2400,
      OutputLocation: { S3Location: Match.objectLike({ OutputS3KeyPrefix: 'playbook-association-log' }) },
    });
    const sourceInfo = JSON.stringify(stack.resolve(Object.values(template.findResources('AWS::SSM::Association'))[0].Properties.Parameters.SourceInfo));
    expect(sourceInfo).toContain(`${fleet.playbookAsset.assetHash}.zip`);
    expect(stack.resolve(fleet.provisioningDocument.ref)).toEqual({ Ref: documentId });
    // The group puts the targeted tag on every instance it launches.
    const value = Object.values(template.findResources('AWS::SSM::Association'))[0].Properties.Targets[0].Values[0];
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'nlb-tiers:provisioning', Value: value, PropagateAtLaunch: true }]),
    });
  });

  test('re-runs its association one instance at a time, stops at the first failure, and every 30 minutes', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::SSM::Association', { MaxConcurrency: '1', MaxErrors: '0', ScheduleExpression: 'rate(30 minutes)' });
  });

  test('takes other rate controls for its association', () => {
    const { template } = synth({ provisioningMaxConcurrency: '25%', provisioningMaxErrors: '1' });

    template.hasResourceProperties('AWS::SSM::Association', { MaxConcurrency: '25%', MaxErrors: '1' });
  });

  test.each([
    ['creates', false],
    ['accepts', true],
  ])('%s its security group and admits the load balancer into it', (_, existing) => {
    const { stack, vpc, loadBalancer } = fixture();
    const securityGroup = existing ? new ec2.SecurityGroup(stack, 'Existing', { vpc }) : undefined;

    const fleet = new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, securityGroup });

    const template = Template.fromStack(stack);
    if (securityGroup) expect(fleet.securityGroup).toBe(securityGroup);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('Flask/uWSGI') } })))
      .toHaveLength(existing ? 0 : 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(fleet.securityGroup.securityGroupId),
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NlbGroup'), 'GroupId'] },
      FromPort: 9090,
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ SecurityGroupIds: [stack.resolve(fleet.securityGroup.securityGroupId)] }),
    });
  });

  test('grants through its instance role', () => {
    const { stack, vpc, loadBalancer } = fixture();
    const fleet = new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer });

    const bucket = new s3.Bucket(stack, 'Data');
    bucket.grantRead(fleet);

    expect(fleet.grantPrincipal).toBe(fleet.role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) },
    });
  });

  test('writes its output to a given log bucket encrypted with a customer-managed key, whose key its role may use', () => {
    // GIVEN
    const { stack, vpc, loadBalancer } = fixture();
    const key = new kms.Key(stack, 'LogKey');
    const logBucket = new s3.Bucket(stack, 'Logs', { encryptionKey: key });

    // WHEN
    new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, logBucket });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::SSM::Association', {
      OutputLocation: { S3Location: Match.objectLike({ OutputS3BucketName: { Ref: Match.stringLikeRegexp('^Logs') } }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] }, '/playbook-association-log/*']] } },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] } },
        ]),
      },
    });
  });

  test('the document runs 5 minutes less than CloudFormation waits', () => {
    const { template } = synth({ provisioningTimeout: Duration.minutes(90) });

    template.hasResourceProperties('AWS::SSM::Association', {
      Parameters: Match.objectLike({ TimeoutSeconds: ['5100'] }),
      WaitForSuccessTimeoutSeconds: 5400,
    });
  });

  test('launches instances only once the private subnets route to the NAT gateway', () => {
    const { template } = synth();

    const [group] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(group.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^VpcPrivateSubnet1DefaultRoute/),
      expect.stringMatching(/^VpcPrivateSubnet2DefaultRoute/),
    ]));
  });

  test.each([
    ['the provisioning timeout', Duration.minutes(40), 'PT40M'],
    ['one hour, the longest pause, for a longer provisioning timeout', Duration.hours(2), 'PT1H'],
  ])('rolls a changed launch template out one instance at a time, keeping the others in service, each waiting for its signal for %s', (_, provisioningTimeout, pause) => {
    const { template } = synth({ provisioningTimeout });

    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: Match.objectLike({
        AutoScalingRollingUpdate: Match.objectLike({ MaxBatchSize: 1, MinInstancesInService: 1, WaitOnResourceSignals: true, PauseTime: pause }),
      }),
    });
  });

  test('takes another update policy', () => {
    const { template } = synth({ updatePolicy: autoscaling.UpdatePolicy.replacingUpdate() });

    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: Match.objectLike({ AutoScalingReplacingUpdate: { WillReplace: true }, AutoScalingRollingUpdate: Match.absent() }),
    });
  });

  test('lets the instances read their own playbook object, not the whole assets bucket', () => {
    const { stack, fleet, template } = synth();

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const read = statements.filter(s => s.Action === 's3:GetObject');
    expect(read).toHaveLength(1);
    expect(JSON.stringify(stack.resolve(read[0].Resource))).toContain(`${fleet.playbookAsset.assetHash}.zip`);
    expect(JSON.stringify(statements)).not.toMatch(/s3:List|s3:GetObject\*|PutObjectAcl/);
  });

  test('the playbook asset has playbook.yml at its root and the files it deploys', () => {
    const { stack, fleet } = synth();

    const dir = stagedPlaybook(stack, fleet);

    expect(fs.readdirSync(dir).sort()).toEqual(['ansible.cfg', 'app_secrets.py', 'files', 'library', 'playbook.yml', 'uwsgi_answers.py', 'uwsgi_reload.py', 'vars.json']);
    expect(fs.readdirSync(path.join(dir, 'files')).sort()).toEqual(['app', 'app_environment.py', 'environment.json', 'uwsgi.ini', 'uwsgi.service']);
    expect(fs.readFileSync(path.join(dir, 'files', 'app', 'run.py'), 'utf-8')).toContain('X-aws-ec2-metadata-token');
    const ini = fs.readFileSync(path.join(dir, 'files', 'uwsgi.ini'), 'utf-8');
    expect(ini).toMatch(/^socket = 0\.0\.0\.0:9090$/m);
    expect(ini).toMatch(/^module = run:app$/m);
    const vars = JSON.parse(fs.readFileSync(path.join(dir, 'vars.json'), 'utf-8'));
    expect(vars).toMatchObject({ pip_packages: ['uwsgi==2.0.28', 'flask==3.1.1'], app_has_requirements: false, uwsgi_port: 9090 });
  });

  test('takes capacities, port, workers and a user app from props', () => {
    const { stack, fleet, template } = synth({
      minCapacity: 1,
      desiredCapacity: 3,
      maxCapacity: 4,
      processes: 4,
      threads: 8,
      application: FlaskApplication.fromDirectory(HELLO_APP, { module: 'hello.wsgi', callable: 'application' }),
    }, 8001);

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '4', DesiredCapacity: '3' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8001, ToPort: 8001 });
    const dir = stagedPlaybook(stack, fleet);
    const ini = fs.readFileSync(path.join(dir, 'files', 'uwsgi.ini'), 'utf-8');
    expect(ini).toMatch(/^socket = 0\.0\.0\.0:8001$/m);
    expect(ini).toMatch(/^module = hello\.wsgi:application$/m);
    expect(ini).toMatch(/^processes = 4$/m);
    expect(ini).toMatch(/^threads = 8$/m);
    expect(fs.existsSync(path.join(dir, 'files', 'app', 'hello', 'wsgi.py'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'vars.json'), 'utf-8')).app_has_requirements).toBe(true);
    // More than one thread per worker is accepted, with a warning of what a reload can do to it.
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      '^FlaskUwsgiAppFleet: threads 8: a reload .* stops a worker of several threads by cancelling them, which can hang it until uWSGI kills it'));
  });

  test('runs one thread per worker by default: a reload stops such a worker once its request is done', () => {
    const { stack, fleet } = synth({});

    const ini = fs.readFileSync(path.join(stagedPlaybook(stack, fleet), 'files', 'uwsgi.ini'), 'utf-8');
    expect(ini).toMatch(/^processes = 2$/m);
    expect(ini).toMatch(/^threads = 1$/m);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('threadedWorkers|several threads'));
  });

  test('pins packages that run on the Python of Amazon Linux 2, and warns that it is past its end of support', () => {
    const { stack, fleet, template } = synth({ amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2 });

    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: { Ref: Match.stringLikeRegexp('amzn2ami.*arm64') } }),
    });
    const vars = JSON.parse(fs.readFileSync(path.join(stagedPlaybook(stack, fleet), 'vars.json'), 'utf-8'));
    expect(vars.pip_packages).toEqual(['uwsgi==2.0.28', 'flask==2.2.5']);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('^FlaskUwsgiAppFleet runs Amazon Linux 2, which reached its end of support on 2026-06-30'));
  });

  test('leaves the Ansible install to the image when asked', () => {
    const { template } = synth({ installAnsible: false });

    template.hasResourceProperties('AWS::SSM::Association', {
      Parameters: Match.objectLike({ InstallAnsible: ['False'] }),
    });
  });

  test('two fleets in one stack provision only their own instances', () => {
    const { stack, vpc, loadBalancer } = fixture();
    new FlaskUwsgiAppFleet(stack, 'Blue', { vpc, loadBalancer });
    new FlaskUwsgiAppFleet(stack, 'Green', { vpc, loadBalancer });

    const template = Template.fromStack(stack);
    const associations = Object.values(template.findResources('AWS::SSM::Association'));
    expect(associations.map(a => a.Properties.Targets)).toEqual([
      [{ Key: 'tag:nlb-tiers:provisioning', Values: [expect.stringMatching(/^Stack\/StackBlue/)] }],
      [{ Key: 'tag:nlb-tiers:provisioning', Values: [expect.stringMatching(/^Stack\/StackGreen/)] }],
    ]);
    for (const [color, a] of [['Blue', associations[0]], ['Green', associations[1]]] as const) {
      const groups = template.findResources('AWS::AutoScaling::AutoScalingGroup', { Properties: { Tags: Match.arrayWith([Match.objectLike({ Value: a.Properties.Targets[0].Values[0] })]) } });
      expect(Object.keys(groups)).toEqual([expect.stringMatching(new RegExp(`^${color}ASG`))]);
    }
  });

  test.each<[string, Partial<FlaskUwsgiAppFleetProps>, ec2.VpcProps | undefined, string]>([
    // Capacities and workers
    ['a negative minCapacity', { minCapacity: -1 }, undefined, 'invalid minCapacity: got -1, expected an integer of at least 0'],
    ['a maxCapacity of 0', { minCapacity: 0, desiredCapacity: 0, maxCapacity: 0 }, undefined, 'invalid maxCapacity: got 0, expected an integer of at least 1'],
    ['minCapacity above maxCapacity', { minCapacity: 3, desiredCapacity: 3, maxCapacity: 2 }, undefined, 'invalid minCapacity: got 3, expected at most maxCapacity (2)'],
    ['desiredCapacity above the default maxCapacity', { desiredCapacity: 3 }, undefined, 'invalid desiredCapacity: got 3, expected a value from minCapacity (2) to maxCapacity (2)'],
    ['desiredCapacity below minCapacity', { minCapacity: 2, desiredCapacity: 1, maxCapacity: 4 }, undefined, 'invalid desiredCapacity: got 1, expected a value from minCapacity (2) to maxCapacity (4)'],
    ['zero uWSGI processes', { processes: 0 }, undefined, 'invalid processes: got 0, expected an integer from 1 to 64'],
    ['65 threads', { threads: 65 }, undefined, 'invalid threads: got 65, expected an integer from 1 to 64'],
    // Image, tags, logs and packages
    ['an arm64 image for an x86_64 instance type', { instanceType: new ec2.InstanceType('m5.large'), machineImage: ec2.MachineImage.latestAmazonLinux2({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }) }, undefined,
      "invalid machineImage: got '/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2', expected an image for the x86_64 architecture of instance type m5.large, or an instance type for arm64"],
    ['both amazonLinux and machineImage', { amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2, machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }) }, undefined,
      'amazonLinux and machineImage cannot be given together; give at most one of them'],
    ['a log key prefix with slashes at the ends', { logKeyPrefix: '/logs/' }, undefined,
      "invalid logKeyPrefix: got '/logs/', expected a non-empty S3 key prefix of letters, digits and !_.*'()- separated by single slashes, with no slash at either end"],
    ['no instance at a time', { provisioningMaxConcurrency: '0' }, undefined,
      "invalid provisioningMaxConcurrency: got '0', expected a whole number from 1 (such as '1') or a percentage from 1% to 100% (such as '10%'), without leading zeros"],
    ['a share of errors over 100%', { provisioningMaxErrors: '150%' }, undefined,
      "invalid provisioningMaxErrors: got '150%', expected a whole number from 0 (such as '0') or a percentage from 0% to 100% (such as '10%'), without leading zeros"],
    ['no pip packages', { pipPackages: [] }, undefined, "invalid pipPackages: got '[]', expected requirement specifiers that include uWSGI and Flask, or no value for the pinned defaults"],
    // Subnets: the fleet belongs in private subnets
    ['a VPC without private subnets', {}, { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] },
      "invalid vpcSubnets: got 'subnetType Private', expected a selection of private subnets of the VPC (There are no 'Private' subnet groups in this VPC. Available types: Public)"],
    ['placement in public subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, undefined, "invalid vpcSubnets: got 'subnetType Public', expected private subnets only"],
    // The user's app
    ['an app directory that does not exist', { application: FlaskApplication.fromDirectory(path.join(__dirname, 'fixtures', 'missing')) }, undefined,
      `invalid application.directory: got '${path.join(__dirname, 'fixtures', 'missing')}', expected an existing directory`],
    ['an app module that is not in the directory', { application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'wsgi' }) }, undefined,
      `invalid application.module: got 'wsgi', expected a module found in ${GREETING_APP} (wsgi.py or wsgi/__init__.py)`],
    ['an app module named after its file', { application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting.py' }) }, undefined,
      `invalid application.module: got 'greeting.py', expected a module found in ${GREETING_APP} (greeting/py.py or greeting/py/__init__.py)`],
    ['an app module that is not a Python module name', { application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting-app' }) }, undefined,
      "invalid application.module: got 'greeting-app', expected a dotted Python module name such as 'app' or 'myapp.wsgi'"],
    ['an app callable that is not a Python identifier', { application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting', callable: 'app()' }) }, undefined,
      "invalid application.callable: got 'app()', expected a Python identifier such as 'app'"],
  ])('fails on %s, before creating anything', (_, props, vpcProps, message) => {
    const { stack, vpc, loadBalancer } = fixture(9090, vpcProps);

    expect(() => new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, ...props })).toThrow(`FlaskUwsgiAppFleet at 'Stack/Fleet': ${message}`);
    expect(stack.node.tryFindChild('Fleet')?.node.children).toEqual([]);
  });

  test('warns, and still synthesizes, when the module does not seem to define the app callable', () => {
    const { stack } = synth({ application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting', callable: 'application' }) });

    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      "^FlaskUwsgiAppFleet: application.callable 'application' is not assigned, defined or imported at the top level of greeting.py; "
      + 'uWSGI cannot load the app unless greeting.py defines it in another way'));
    Template.fromStack(stack).resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
  });

  test.each([
    ['the default app', {}],
    ['an app in a package whose module assigns its callable', { application: FlaskApplication.fromDirectory(HELLO_APP, { module: 'hello.wsgi', callable: 'application' }) }],
    ['an app whose module assigns its callable', { application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting' }) }],
  ])('gives no warning of its own for %s', (_, props: Partial<FlaskUwsgiAppFleetProps>) => {
    const { stack } = synth(props);

    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('@nlb-tiers/'));
  });

  test('an acknowledged callable warning is not shown', () => {
    const { stack, fleet } = synth({ application: FlaskApplication.fromDirectory(GREETING_APP, { module: 'greeting', callable: 'application' }) });

    Validations.of(fleet).acknowledge({ id: '@nlb-tiers/flask-uwsgi-app-fleet:callableNotFound', reason: 'greeting.py defines it with globals()' });

    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('@nlb-tiers/'));
  });

  test.each<[string, number, number, string]>([
    ['a target port of 0', 0, 1, 'invalid loadBalancer.targetPort: got 0, expected an integer from 1 to 65535'],
    ['a load balancer without security groups', 9090, 0,
      "invalid loadBalancer: got 'a load balancer without security groups', expected a load balancer with at least one security group: the fleet admits its port from those groups alone"],
  ])('fails behind %s', (_, targetPort, securityGroupCount, message) => {
    const { stack, vpc } = fixture();
    const targetGroup = new elbv2.NetworkTargetGroup(stack, 'OtherTargets', { vpc, port: 80, protocol: elbv2.Protocol.TCP });
    const loadBalancerSecurityGroups = Array.from({ length: securityGroupCount }, (__, i) => new ec2.SecurityGroup(stack, `Lb${i}`, { vpc }));
    const loadBalancer = new ExistingUwsgiTargetGroup({ targetGroup, targetPort, loadBalancerSecurityGroups });

    expect(() => new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer })).toThrow(`FlaskUwsgiAppFleet at 'Stack/Fleet': ${message}`);
  });

  test('leaves capacities, workers and a target port from CloudFormation parameters to deploy time', () => {
    const { stack, vpc } = fixture();
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const targetGroup = new elbv2.NetworkTargetGroup(stack, 'OtherTargets', { vpc, port: 80, protocol: elbv2.Protocol.TCP });
    const loadBalancer = new ExistingUwsgiTargetGroup({
      targetGroup, targetPort: number('TargetPort'), loadBalancerSecurityGroups: [new ec2.SecurityGroup(stack, 'Lb', { vpc })],
    });

    new FlaskUwsgiAppFleet(stack, 'Fleet', {
      vpc,
      loadBalancer,
      minCapacity: number('Min'),
      desiredCapacity: number('Desired'),
      maxCapacity: number('Max'),
      processes: number('Processes'),
      threads: number('Threads'),
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: { Ref: 'Min' }, DesiredCapacity: { Ref: 'Desired' }, MaxSize: { Ref: 'Max' },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: { Ref: 'TargetPort' }, ToPort: { Ref: 'TargetPort' } });
  });
});
