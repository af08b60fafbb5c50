import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cloudWatchAgentConfig } from './private/cloudwatch-agent';
import { invalidProp } from './private/validation';

/** How a server's log groups are kept: the props every nlb-tiers server construct shares for its logs. */
export interface ServerLogsOptions {
  /**
   * How long each log group keeps its events.
   *
   * @default logs.RetentionDays.THREE_MONTHS (as long as the provisioning output stays in S3)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A KMS key that encrypts the log groups. Its key policy must let CloudWatch Logs use it: the
   * key is granted to the regional CloudWatch Logs principal, which takes effect on a key of this
   * app; an imported key's policy must allow it already.
   *
   * @default - CloudWatch Logs' own server-side encryption
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the log groups when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** A file on the servers that is shipped to a log group of its own. */
export interface ServerLogFile {
  /** The construct id of its log group, such as `AccessLog`. */
  readonly id: string;
  /** The absolute path of the file on the servers. */
  readonly filePath: string;
}

/** Properties of a {@link ServerLogs}. */
export interface ServerLogsProps extends ServerLogsOptions {
  /** The files to ship, one log group each. */
  readonly files: ServerLogFile[];
  /** The instance role, granted what the CloudWatch agent needs to write to these groups and no more. */
  readonly role: iam.IRole;
}

/**
 * The CloudWatch Logs groups of a server's log files, and the CloudWatch agent configuration that
 * ships the files to them.
 *
 * The groups are created here, so that their retention, encryption and removal follow the stack
 * (the agent would otherwise create groups that never expire and outlive it). The instance role
 * may create streams in them, describe their streams and put events, on these groups only: the
 * agent creates its stream (one per instance) and puts events; it creates a group only when the
 * group is missing, and reads or sets a group's retention only when its configuration asks for
 * one, which this one does not. DescribeLogStreams is granted for agent releases that look their
 * stream up before putting events.
 *
 * @see https://github.com/aws/amazon-cloudwatch-agent/blob/main/plugins/outputs/cloudwatchlogs/internal/pusher/target.go
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html
 */
export class ServerLogs extends Construct {
  /** The log groups, in the order of `files`. */
  public readonly logGroups: logs.LogGroup[];
  /** The CloudWatch agent's configuration as JSON text on one line, with the groups' names as tokens. */
  public readonly agentConfig: string;
  /** The instance role's permissions on the groups, to apply before whatever starts the agent. */
  public readonly grant: iam.Grant;
  private readonly byId: Record<string, logs.LogGroup> = {};

  constructor(scope: Construct, id: string, props: ServerLogsProps) {
    super(scope, id);
    if (props.files.length === 0) {
      invalidProp(this, 'ServerLogs', 'files', '[]', 'at least one file to ship');
    }
    const seen = new Set<string>();
    for (const file of props.files) {
      if (!file.filePath.startsWith('/')) {
        invalidProp(this, 'ServerLogs', 'files[].filePath', file.filePath, 'an absolute path');
      }
      if (seen.has(file.id)) {
        invalidProp(this, 'ServerLogs', 'files[].id', file.id, 'ids that differ from each other');
      }
      seen.add(file.id);
    }
    this.logGroups = props.files.map(file => {
      const group = new logs.LogGroup(this, file.id, {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        encryptionKey: props.logEncryptionKey,
        removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      });
      this.byId[file.id] = group;
      return group;
    });
    if (props.logEncryptionKey) {
      // The groups' key must let the regional CloudWatch Logs principal use it (encrypt-log-data-kms.html).
      props.logEncryptionKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`));
    }
    // A group's Arn attribute is `arn:...:log-group:<name>:*`, which covers its streams
    // (`...:log-group:<name>:log-stream:<stream>`), the resource of CreateLogStream and PutLogEvents.
    this.grant = iam.Grant.addToPrincipal({
      grantee: props.role,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resourceArns: this.logGroups.map(g => g.logGroupArn),
    });
    this.agentConfig = Stack.of(this).toJsonString(cloudWatchAgentConfig(
      props.files.map((file, i) => ({ filePath: file.filePath, logGroupName: this.logGroups[i].logGroupName }))));
  }

  /** The log group of the file with this id. */
  public logGroup(fileId: string): logs.LogGroup {
    const group = this.byId[fileId];
    if (!group) {
      throw new Error(`ServerLogs at '${this.node.path}' has no log group '${fileId}'; it has ${Object.keys(this.byId).join(', ')}`);
    }
    return group;
  }
}
