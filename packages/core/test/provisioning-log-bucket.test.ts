import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ProvisioningLogBucket } from '../src';

describe('ProvisioningLogBucket', () => {
  test('blocks public access, encrypts, disables ACLs, expires logs after 90 days and is retained', () => {
    const stack = new Stack(new App(), 'Stack');

    new ProvisioningLogBucket(stack, 'Logs');

    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
      },
    });
  });

  test('denies every request made without TLS', () => {
    const stack = new Stack(new App(), 'Stack');

    new ProvisioningLogBucket(stack, 'Logs');

    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })],
      },
    });
  });

  test('keeps logs as long as asked', () => {
    const stack = new Stack(new App(), 'Stack');

    new ProvisioningLogBucket(stack, 'Logs', { logRetention: Duration.days(7) });

    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7 })] },
    });
  });

  test('exposes its bucket, which keeps the logical ID of a bucket at the same path, so a deployed one is not replaced', () => {
    const stack = new Stack(new App(), 'Stack');
    const plain = new Stack(new App(), 'Stack');

    const logs = new ProvisioningLogBucket(stack, 'Logs');
    new s3.Bucket(plain, 'Logs', { enforceSSL: true });

    expect(logs.bucket).toBeInstanceOf(s3.Bucket);
    const ids = (s: Stack, type: string) => Object.keys(Template.fromStack(s).findResources(type));
    expect(ids(stack, 'AWS::S3::Bucket')).toEqual([stack.resolve((logs.bucket.node.defaultChild as s3.CfnBucket).logicalId)]);
    expect(ids(stack, 'AWS::S3::Bucket')).toEqual(ids(plain, 'AWS::S3::Bucket'));
    expect(ids(stack, 'AWS::S3::BucketPolicy')).toEqual(ids(plain, 'AWS::S3::BucketPolicy'));
  });

  test('fails on a retention that is not a whole number of days, and creates no bucket', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new ProvisioningLogBucket(stack, 'Logs', { logRetention: Duration.hours(36) })).toThrow(/invalid logRetention/);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });

  test.each([
    [Duration.hours(36), '1.5 days'],
    [Duration.days(0), '0 days'],
    [Duration.days(36501), '36501 days'],
  ])('fails on a retention of %s: not a whole number of days from 1 to 36500', (logRetention, shown) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new ProvisioningLogBucket(stack, 'Logs', { logRetention }))
      .toThrow(`ProvisioningLogBucket at 'Stack/Logs': invalid logRetention: got '${shown}', expected a whole number of days from 1 to 36500`);
  });
});
