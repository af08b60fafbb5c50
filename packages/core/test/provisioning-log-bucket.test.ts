import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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

  test.each([
    [Duration.hours(36), '1.5 days'],
    [Duration.days(0), '0 days'],
    [Duration.days(36501), '36501 days'],
  ])('fails on a retention of %s: not a whole number of days from 1 to 36500', (logRetention, shown) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new ProvisioningLogBucket(stack, 'Logs', { logRetention }))
      .toThrow(`ProvisioningLogBucket at 'Stack': invalid logRetention: got '${shown}', expected a whole number of days from 1 to 36500`);
  });
});
