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
 *
 * It wraps an `s3.Bucket` (`bucket`) instead of extending it, so the static methods of `s3.Bucket`
 * (such as `fromBucketArn`) are not mistaken for its own. Pass `bucket` where a server construct
 * takes a `logBucket`.
 */
export class ProvisioningLogBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ProvisioningLogBucketProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? Duration.days(90);
    validateDuration(this, 'ProvisioningLogBucket', 'logRetention', logRetention, 'days', 1, 36500);
    // 'Default' is left out of the path that logical IDs are made from: the bucket keeps the logical
    // ID it had when ProvisioningLogBucket extended s3.Bucket, so a deployed bucket is not replaced.
    this.bucket = new s3.Bucket(this, 'Default', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: [{ id: 'ExpireAssociationOutput', expiration: logRetention, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    if (!props.serverAccessLogsBucket) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'The bucket holds only the output of provisioning runs, written by the instances under their own prefixes; '
          + 'access logs need a further bucket, which serverAccessLogsBucket provides where they are wanted.',
      });
    }
  }
}
