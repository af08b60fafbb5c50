import { CfnElement, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './private/acknowledge';
import { DEFAULT_PROVISIONING_TIMEOUT } from './private/provisioning-timeout';
import { validateDuration, validateKeyPrefix, validateRateControl } from './private/validation';
import { ProvisioningTargets } from './provisioning-targets';

/** Properties of an {@link SsmProvisioning}. */
export interface SsmProvisioningProps {
  /** The SSM document to run: a name such as `AWS-RunShellScript`, or the `ref` of an `ssm.CfnDocument`. */
  readonly documentName: string;
  /** The document's parameters. */
  readonly parameters: { [name: string]: string[] };
  /** The instances to provision. */
  readonly targets: ProvisioningTargets;
  /**
   * The role of the provisioned instances. It is granted the writes of the association's output under
   * `logKeyPrefix` and, when the bucket is encrypted with a KMS key, the use of that key for them.
   */
  readonly instanceRole: iam.IRole;
  /** The bucket that receives the association's output. */
  readonly logBucket: s3.IBucket;
  /** The key prefix of the association's output, without a trailing slash. */
  readonly logKeyPrefix: string;
  /**
   * How long CloudFormation waits for the association to succeed on every target before the
   * deployment fails. Between 15 seconds and 48 hours.
   *
   * CloudFormation polls the association's overview status: `Pending` waits on, `Success` ends the
   * wait, anything else fails the stack at once. An association created before its instances
   * registered with Systems Manager may report success with no target counted yet, so the wait
   * is a best effort, not a guarantee that every instance was provisioned.
   *
   * @default Duration.minutes(40)
   * @see https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-ssm (AWS::SSM::Association, InProgressHandler)
   */
  readonly waitForSuccessTimeout?: Duration;
  /**
   * The association's name.
   *
   * @default - a name is generated
   */
  readonly associationName?: string;
  /**
   * How many targets run the association at the same time (`MaxConcurrency`): a number such as
   * `1`, or a percentage of the targets such as `10%`.
   *
   * @default - State Manager's default, all targets at once
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly maxConcurrency?: string;
  /**
   * How many runs may fail before State Manager stops running the association on further targets
   * (`MaxErrors`): a number such as `0` (stop at the first failure), or a percentage of the targets.
   * Runs already under way finish; with `maxConcurrency` 1 none is.
   *
   * @default - State Manager's default
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly maxErrors?: string;
  /**
   * When State Manager runs the association again on every target, as a cron or rate expression
   * such as `rate(30 minutes)` (besides the runs at its creation, on new targets and after a change).
   *
   * @default - no schedule
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
   */
  readonly scheduleExpression?: string;
}

/**
 * An SSM State Manager association that provisions a construct's own instances, writes its
 * output to S3 and makes CloudFormation wait for it to succeed.
 */
export class SsmProvisioning extends Construct {
  /** The association. */
  public readonly association: ssm.CfnAssociation;

  constructor(scope: Construct, id: string, props: SsmProvisioningProps) {
    super(scope, id);
    const timeout = props.waitForSuccessTimeout ?? DEFAULT_PROVISIONING_TIMEOUT;
    validateDuration(this, 'SsmProvisioning', 'waitForSuccessTimeout', timeout, 'seconds', 15, 172800);
    validateKeyPrefix(this, 'SsmProvisioning', 'logKeyPrefix', props.logKeyPrefix);
    validateRateControl(this, 'SsmProvisioning', 'maxConcurrency', 'maxConcurrency', props.maxConcurrency);
    validateRateControl(this, 'SsmProvisioning', 'maxErrors', 'maxErrors', props.maxErrors);

    this.association = new ssm.CfnAssociation(this, 'Resource', {
      name: props.documentName,
      associationName: props.associationName,
      parameters: props.parameters,
      targets: props.targets.targets,
      waitForSuccessTimeoutSeconds: timeout.toSeconds(),
      maxConcurrency: props.maxConcurrency,
      maxErrors: props.maxErrors,
      scheduleExpression: props.scheduleExpression,
      outputLocation: {
        s3Location: {
          outputS3BucketName: props.logBucket.bucketName,
          outputS3KeyPrefix: props.logKeyPrefix,
          outputS3Region: Stack.of(this).region,
        },
      },
    });

    // The agent writes each run's output with the instance's credentials, under this prefix only.
    // Granted through the bucket, so that a bucket encrypted with a KMS key also lets the instances
    // use the key: an upload with SSE-KMS needs kms:GenerateDataKey, a multipart one kms:Decrypt too
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html,
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
    // Named actions rather than grants.put(): without the @aws-cdk/aws-s3:grantWriteWithoutAcl
    // feature flag, put() grants s3:PutObject*, which includes s3:PutObjectAcl.
    const writeOutput = s3.BucketGrants.fromBucket(props.logBucket)
      .actionsOnObjectKeys(props.instanceRole, `${props.logKeyPrefix}/*`, 's3:PutObject', 'kms:GenerateDataKey', 'kms:Decrypt');
    // The agent reads the bucket's default encryption before it uploads.
    const readEncryption = iam.Grant.addToPrincipal({
      grantee: props.instanceRole,
      actions: ['s3:GetEncryptionConfiguration'],
      resourceArns: [props.logBucket.bucketArn],
    });
    const logObjects = nagResourceOf(props.logBucket);
    if (logObjects !== undefined) {
      // The statements land in a policy of the role's own (a role's DefaultPolicy), which is only
      // known once the app is prepared: acknowledge on the role, an ancestor of that policy.
      acknowledgeFinding(props.instanceRole, `AwsSolutions-IAM5[Resource::${logObjects}/${props.logKeyPrefix}/*]`,
        'The SSM agent writes each run\'s output under keys it names itself (command and instance ids), '
        + 'so the instances may put objects anywhere under this association\'s own prefix, and nowhere else.');
    }
    // The association may start as soon as the instances run: they must be able to write by then.
    // The key's statement goes into the same principal policy as the bucket's.
    writeOutput.applyBefore(this.association);
    readEncryption.applyBefore(this.association);
  }
}

/** How cdk-nag names a bucket's ARN in its findings, where that is known at synthesis. */
function nagResourceOf(bucket: s3.IBucket): string | undefined {
  const resource = bucket.node.defaultChild;
  if (resource instanceof CfnElement) {
    return `<${Stack.of(resource).resolve(resource.logicalId)}.Arn>`;
  }
  return Token.isUnresolved(bucket.bucketArn) ? undefined : bucket.bucketArn;
}
