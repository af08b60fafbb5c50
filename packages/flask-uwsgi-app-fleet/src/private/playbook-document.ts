import * as path from 'path';
import { renderCloudWatchAgentStep, renderProvisioningOutputCopy, renderSignalOnExit, renderTemplate } from '@nlb-tiers/core/helpers-internal';
import { SECRET_REFERENCES_PATTERN } from './app-environment';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/**
 * Where the document puts the playbook archive. A path that is neither an existing directory nor
 * ends with a slash is the downloaded file's own path (amazon-ssm-agent
 * `agent/plugins/downloadcontent/s3resource/s3resource.go`), whatever the S3 key is called.
 */
export const PLAYBOOK_ARCHIVE = '/var/lib/nlb-tiers/playbook.zip';
/** Where the archive is extracted and the playbook runs from. */
export const PLAYBOOK_DIR = '/var/lib/nlb-tiers/playbook';

/** Where the playbook lives on an instance. */
export interface PlaybookPaths {
  readonly archive: string;
  readonly playbookDir: string;
}

/**
 * Renders the shell step of the fleet's document: keep the run's output for the CloudWatch agent,
 * make sure Ansible is there, install and configure the agent, extract, run the
 * playbook (whose last task checks that the app answers), and signal the group's CreationPolicy
 * with the outcome, to the stack, resource and region the document's parameters name.
 */
export function renderPlaybookScript(paths: PlaybookPaths = { archive: PLAYBOOK_ARCHIVE, playbookDir: PLAYBOOK_DIR }): string {
  return renderTemplate(path.join(ASSETS, 'run-playbook.sh'), {
    archive: paths.archive,
    playbookDir: paths.playbookDir,
    provisioningOutput: renderProvisioningOutputCopy(),
    // The fleet's log groups are the association's parameter: the document stays the same for every fleet.
    cloudWatchAgent: renderCloudWatchAgentStep('{{ CloudWatchAgentConfig }}'),
    signalOnExit: renderSignalOnExit({ stack: '{{ SignalStack }}', resource: '{{ SignalResource }}', region: '{{ SignalRegion }}' }),
  }).trimEnd();
}

/**
 * The content of the fleet's SSM Command document (schema 2.2): download the playbook archive
 * from S3, then run it with a local `ansible-playbook`, and signal the outcome to CloudFormation. It replaces `AWS-ApplyAnsiblePlaybooks`,
 * whose `InstallDependencies` picks its install branch from `/etc/system-release` and has no
 * branch that works on Amazon Linux 2023.
 *
 * The content is the same for every fleet; what differs (the archive's URL, whether to install
 * Ansible, the timeout) are parameters the association passes, so a new playbook changes the
 * association, not the document.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html
 */
export function playbookDocumentContent(defaultTimeoutSeconds: number): Record<string, unknown> {
  return {
    schemaVersion: '2.2',
    description: 'Provisions an app server of an nlb-tiers FlaskUwsgiAppFleet: downloads its playbook from S3 and runs it with ansible-playbook on the instance.',
    parameters: {
      SourceInfo: {
        type: 'StringMap',
        description: 'The playbook archive in S3: {"path": "https://s3.<region>.amazonaws.com/<bucket>/<key>.zip"}.',
      },
      InstallAnsible: {
        type: 'String',
        description: 'Whether to install ansible-core from the distribution\'s repository when the image has no ansible-playbook.',
        allowedValues: ['True', 'False'],
        default: 'True',
      },
      ExtraVariables: {
        type: 'String',
        description: 'Extra variables of the playbook run (--extra-vars).',
        allowedPattern: '^[A-Za-z0-9_=. ]*$',
        default: 'SSM=True',
      },
      TimeoutSeconds: {
        type: 'String',
        description: 'The timeout of the playbook run, in seconds.',
        allowedPattern: '^[0-9]+$',
        default: String(defaultTimeoutSeconds),
      },
      AppSecrets: {
        type: 'String',
        description: 'Where the app\'s secrets are kept, as a JSON object by variable name: each an object of source (ssm or secretsmanager), id (a parameter name, a secret ARN or name), region and an optional field. Never a value.',
        allowedPattern: SECRET_REFERENCES_PATTERN,
        default: '{}',
      },
      // Written into a quoted heredoc, on one line: JSON.
      CloudWatchAgentConfig: {
        type: 'String',
        description: 'The CloudWatch agent\'s configuration (JSON on one line): the log files it ships and their log groups.',
        allowedPattern: '^\\{.*\\}$',
      },
      // Where cfn-signal sends the run's outcome: the values go into the script between single quotes.
      SignalStack: {
        type: 'String',
        description: 'The name or id of the stack of the Auto Scaling group whose CreationPolicy waits for this run\'s signal.',
        allowedPattern: '^[A-Za-z0-9:/_.-]+$',
      },
      SignalResource: {
        type: 'String',
        description: 'The logical id of that Auto Scaling group.',
        allowedPattern: '^[A-Za-z0-9]+$',
      },
      SignalRegion: {
        type: 'String',
        description: 'The region of the stack.',
        allowedPattern: '^[a-z0-9-]+$',
      },
    },
    mainSteps: [
      {
        action: 'aws:downloadContent',
        name: 'downloadPlaybook',
        inputs: { sourceType: 'S3', sourceInfo: '{{ SourceInfo }}', destinationPath: PLAYBOOK_ARCHIVE },
      },
      {
        action: 'aws:runShellScript',
        name: 'runPlaybook',
        inputs: { timeoutSeconds: '{{ TimeoutSeconds }}', runCommand: renderPlaybookScript().split('\n') },
      },
    ],
  };
}
