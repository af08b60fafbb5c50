import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { validateDuration } from './private/validation';

/** Properties of a {@link ProvisioningLogBucket}. */
export interface ProvisioningLogBucketProps {
  /**
   * How long association output is kept before it expires.
   *
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;
  /**
   * What happens to the bucket when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A bucket that receives the server access logs of this one.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * An S3 bucket for the output of SSM State Manager associations.
 *
 * Public access is blocked, requests without TLS are denied, objects are encrypted with
 * S3-managed keys, ACLs are disabled (the bucket owner owns every object) and logs expire.
 */
export class ProvisioningLogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: ProvisioningLogBucketProps = {}) {
    const logRetention = props.logRetention ?? Duration.days(90);
    validateDuration(scope, 'ProvisioningLogBucket', 'logRetention', logRetention, 'days', 1, 36500);
    super(scope, id, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: [{ id: 'ExpireAssociationOutput', expiration: logRetention, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    if (!props.serverAccessLogsBucket) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'The bucket holds only the output of provisioning runs, written by the instances under their own prefixes; '
          + 'access logs need a further bucket, which serverAccessLogsBucket provides where they are wanted.',
      });
    }
  }
}
