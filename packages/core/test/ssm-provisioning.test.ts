import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ProvisioningTargets, ServerRole, SsmProvisioning, SsmProvisioningProps } from '../src';

/** The instance type and image of every server these tests provision. */
const SERVER = {
  instanceType: new ec2.InstanceType('t4g.micro'),
  machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
};

/** An association of `AWS-RunShellScript` that targets no instance: for checks of its own props. */
function provisionNothing(stack: Stack, role: iam.IRole, bucket: s3.IBucket, props: Partial<SsmProvisioningProps>) {
  return new SsmProvisioning(stack, 'Provisioning', {
    documentName: 'AWS-RunShellScript',
    parameters: {},
    targets: ProvisioningTargets.instances(),
    instanceRole: role,
    logBucket: bucket,
    logKeyPrefix: 'log',
    ...props,
  });
}

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const role = new ServerRole(stack, 'Role').role;
  const bucket = new s3.Bucket(stack, 'Logs');
  return { stack, vpc, role, bucket };
}

describe('SsmProvisioning', () => {
  test('targets exactly the given instances, writes output to S3 and waits 40 minutes by default', () => {
    // GIVEN
    const { stack, vpc, role, bucket } = fixture();
    const instance = new ec2.Instance(stack, 'Instance', {
      vpc,
      ...SERVER,
    });

    // WHEN
    new SsmProvisioning(stack, 'Provisioning', {
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['echo hello'] },
      targets: ProvisioningTargets.instances(instance),
      instanceRole: role,
      logBucket: bucket,
      logKeyPrefix: 'web-log',
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', {
      Name: 'AWS-RunShellScript',
      Parameters: { commands: ['echo hello'] },
      Targets: [{ Key: 'InstanceIds', Values: [{ Ref: Match.stringLikeRegexp('^Instance') }] }],
      WaitForSuccessTimeoutSeconds: 2400,
      OutputLocation: { S3Location: { OutputS3BucketName: { Ref: Match.stringLikeRegexp('^Logs') }, OutputS3KeyPrefix: 'web-log' } },
    });
  });

  test('targets an Auto Scaling group by its own groupName tag, so replacement instances are provisioned too', () => {
    const { stack, vpc, role, bucket } = fixture();
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc,
      ...SERVER,
    });

    new SsmProvisioning(stack, 'Provisioning', {
      documentName: 'AWS-ApplyAnsiblePlaybooks',
      parameters: {},
      targets: ProvisioningTargets.autoScalingGroup(group),
      instanceRole: role,
      logBucket: bucket,
      logKeyPrefix: 'app-log',
      waitForSuccessTimeout: Duration.minutes(20),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', {
      Targets: [{ Key: 'tag:aws:autoscaling:groupName', Values: [{ Ref: Match.stringLikeRegexp('^GroupASG') }] }],
      WaitForSuccessTimeoutSeconds: 1200,
    });
  });

  test('lets the instance role write only under its own log prefix, and nothing with ACLs', () => {
    const { stack, role, bucket } = fixture();

    provisionNothing(stack, role, bucket, { logKeyPrefix: 'web-log' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 's3:PutObject',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] }, '/web-log/*']] },
          },
          {
            Action: 's3:GetEncryptionConfiguration',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] },
          },
        ],
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('PutObjectAcl');
  });

  test.each([
    ['created in the stack', (stack: Stack) => new s3.Bucket(stack, 'EncryptedLogs', { encryptionKey: new kms.Key(stack, 'Key') })],
    ['imported with its key', (stack: Stack) => s3.Bucket.fromBucketAttributes(stack, 'EncryptedLogs', {
      bucketArn: 'arn:aws:s3:::provisioning-logs',
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    })],
  ])('lets the instance role use the customer-managed key of a bucket %s to write its output', (_, makeBucket) => {
    // GIVEN
    const { stack, role } = fixture();
    const bucket = makeBucket(stack);

    // WHEN
    provisionNothing(stack, role, bucket, { logKeyPrefix: 'log' });

    // THEN: SSE-KMS uploads need kms:GenerateDataKey on the key, multipart ones kms:Decrypt too.
    const template = Template.fromStack(stack);
    const keyArn = stack.resolve(bucket.encryptionKey!.keyArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: keyArn }]),
      },
    });
  });

  test('the association starts only once the instance role may write its output', () => {
    const { stack, role, bucket } = fixture();

    provisionNothing(stack, role, bucket, {});

    const template = Template.fromStack(stack);
    const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject' })]) } },
    }));
    template.hasResource('AWS::SSM::Association', { DependsOn: Match.arrayWith([policyId]) });
  });

  test('two groups in one stack are each provisioned by their own association', () => {
    const { stack, vpc, role, bucket } = fixture();
    for (const id of ['Blue', 'Green']) {
      const group = new autoscaling.AutoScalingGroup(stack, `${id}Group`, {
        vpc,
        ...SERVER,
      });
      new SsmProvisioning(stack, `${id}Provisioning`, {
        documentName: 'AWS-ApplyAnsiblePlaybooks',
        parameters: {},
        targets: ProvisioningTargets.autoScalingGroup(group),
        instanceRole: role,
        logBucket: bucket,
        logKeyPrefix: id,
      });
    }

    const associations = Template.fromStack(stack).findResources('AWS::SSM::Association');
    const targetRefs = Object.values(associations).map(a => a.Properties.Targets[0].Values[0].Ref);
    expect(targetRefs).toHaveLength(2);
    expect(new Set(targetRefs).size).toBe(2);
  });

  test.each([
    [Duration.seconds(10), '10 seconds'],
    [Duration.hours(49), '176400 seconds'],
  ])('fails on a wait of %s', (timeout, shown) => {
    const { stack, role, bucket } = fixture();
    expect(() => provisionNothing(stack, role, bucket, { logKeyPrefix: 'log', waitForSuccessTimeout: timeout })).toThrow(`SsmProvisioning at 'Stack/Provisioning': invalid waitForSuccessTimeout: got '${shown}', expected a whole number of seconds from 15 to 172800`);
  });

  test('fails on a log prefix with a slash at either end', () => {
    const { stack, role, bucket } = fixture();
    expect(() => provisionNothing(stack, role, bucket, { logKeyPrefix: 'logs/' })).toThrow("SsmProvisioning at 'Stack/Provisioning': invalid logKeyPrefix: got 'logs/', expected a non-empty S3 key prefix of letters, digits and !_.*'()- separated by single slashes, with no slash at either end");
  });

  test('an association that targets no instance yet is still valid: its targets can be added later', () => {
    const { stack, role, bucket } = fixture();

    provisionNothing(stack, role, bucket, { logKeyPrefix: 'log' });

    Template.fromStack(stack).resourceCountIs('AWS::SSM::Association', 1);
  });

  test('passes its rate controls and schedule to the association, and none when not given', () => {
    const { stack, role, bucket } = fixture();
    provisionNothing(stack, role, bucket, { maxConcurrency: '1', maxErrors: '0', scheduleExpression: 'rate(30 minutes)' });
    const other = fixture();
    provisionNothing(other.stack, other.role, other.bucket, {});

    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', { MaxConcurrency: '1', MaxErrors: '0', ScheduleExpression: 'rate(30 minutes)' });
    const association = Object.values(Template.fromStack(other.stack).findResources('AWS::SSM::Association'))[0];
    expect(Object.keys(association.Properties)).not.toContain('MaxConcurrency');
    expect(Object.keys(association.Properties)).not.toContain('MaxErrors');
    expect(Object.keys(association.Properties)).not.toContain('ScheduleExpression');
  });

  test.each(['1', '25', '1%', '50%', '100%'])('takes maxConcurrency %s', value => {
    const { stack, role, bucket } = fixture();
    provisionNothing(stack, role, bucket, { maxConcurrency: value });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', { MaxConcurrency: value });
  });

  test.each(['0', '01', '0%', '101%', '1.5', 'one', '10000000'])('fails on maxConcurrency %s, naming what it takes', value => {
    const { stack, role, bucket } = fixture();
    expect(() => provisionNothing(stack, role, bucket, { maxConcurrency: value })).toThrow(`SsmProvisioning at 'Stack/Provisioning': invalid maxConcurrency: got '${value}', `
      + 'expected a whole number from 1 (such as \'1\') or a percentage from 1% to 100% (such as \'10%\'), without leading zeros');
  });

  test.each(['0', '3', '0%', '10%', '100%'])('takes maxErrors %s', value => {
    const { stack, role, bucket } = fixture();
    provisionNothing(stack, role, bucket, { maxErrors: value });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', { MaxErrors: value });
  });

  test.each(['-1', '00', '101%', '5 %', 'none'])('fails on maxErrors %s, naming what it takes', value => {
    const { stack, role, bucket } = fixture();
    expect(() => provisionNothing(stack, role, bucket, { maxErrors: value })).toThrow(`SsmProvisioning at 'Stack/Provisioning': invalid maxErrors: got '${value}', `
      + 'expected a whole number from 0 (such as \'0\') or a percentage from 0% to 100% (such as \'10%\'), without leading zeros');
  });
});
