import * as path from 'path';
import { renderTemplate } from './template';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** Where the provisioning scripts write the CloudWatch agent's configuration on a server. */
export const CLOUDWATCH_AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/nlb-tiers.json';
/** Where a provisioning run keeps its own output, for the agent to ship. */
export const PROVISIONING_OUTPUT_FILE = '/var/log/nlb-tiers/provisioning.log';

/** One file the agent ships, and the log group it goes to. */
export interface CollectedLogFile {
  /** The absolute path of the file on the server. */
  readonly filePath: string;
  /** The name of its log group (a token until deployment). */
  readonly logGroupName: string;
}

/**
 * The CloudWatch agent's configuration that ships each file to its log group, one stream per
 * instance (`{instance_id}`). The agent neither creates the groups (the construct does, with their
 * retention) nor sets their retention: without `retention_in_days` it calls neither
 * DescribeLogGroups nor PutRetentionPolicy, and it calls CreateLogGroup only when CreateLogStream
 * finds no group (aws/amazon-cloudwatch-agent, plugins/outputs/cloudwatchlogs/internal/pusher/target.go).
 * A file is read from its beginning the first time (`from_beginning` defaults to true in
 * translator/translate/logs/logs_collected/files/collect_list/ruleFromBeginning.go), so lines
 * written before the agent started are shipped too.
 *
 * The keys follow the agent's JSON schema (aws/amazon-cloudwatch-agent, translator/config/schema.json,
 * installed as doc/amazon-cloudwatch-agent-schema.json): `logs.logs_collected.files.collect_list[]`
 * with `file_path` (the one required key), `log_group_name` and `log_stream_name` (1-512
 * characters each); no other key is allowed there.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
 * @see https://github.com/aws/amazon-cloudwatch-agent/blob/main/translator/config/schema.json
 */
export function cloudWatchAgentConfig(files: CollectedLogFile[]): Record<string, unknown> {
  if (files.length === 0) {
    throw new Error('a CloudWatch agent configuration needs at least one file to collect');
  }
  return {
    logs: {
      logs_collected: {
        files: {
          collect_list: files.map(f => ({ file_path: f.filePath, log_group_name: f.logGroupName, log_stream_name: '{instance_id}' })),
        },
      },
    },
  };
}

/**
 * The shell step that installs the CloudWatch agent, writes `configJson` (the JSON text of
 * {@link cloudWatchAgentConfig}, tokens resolved by the caller's stack) and (re)starts the agent
 * when the configuration changed or the agent is not running.
 */
export function renderCloudWatchAgentStep(configJson: string, configPath = CLOUDWATCH_AGENT_CONFIG_PATH): string {
  if (configJson.includes('\n')) {
    throw new Error('the CloudWatch agent configuration must be JSON on one line (it is written with a heredoc)');
  }
  return renderTemplate(path.join(ASSETS, 'cloudwatch-agent.sh'), { configPath, agentConfig: configJson }).trimEnd();
}

/** The shell lines that copy a provisioning run's output into `logFile`, for the agent to ship. */
export function renderProvisioningOutputCopy(logFile = PROVISIONING_OUTPUT_FILE): string {
  return renderTemplate(path.join(ASSETS, 'provisioning-output.sh'), { logFile }).trimEnd();
}
