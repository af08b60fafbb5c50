import * as fs from 'fs';
import * as path from 'path';
import { LocalDeployment } from './deployment';
import { Host } from '../model/topology';

/**
 * Where the CloudWatch agent keeps a configuration fetched with `-c file:<path>` (as
 * `file_<name>`), and where the image layer's amazon-cloudwatch-agent-ctl records whether it was
 * started: see `provisioning/shims/usr/lib/nlb-tiers-local/nlbt_cwagent.py`.
 */
export const AGENT_CONFIG_DIR = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.d';
export const AGENT_STATUS_FILE = '/opt/aws/amazon-cloudwatch-agent/var/nlb-tiers-local-status.json';

/** One file a host's agent configuration names, with its group and stream resolved for the host. */
export interface ConfiguredLogFile {
  readonly host: string;
  readonly filePath: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** A file collected into the deployment's folder, one per group and stream. */
export interface CollectedLogFile extends ConfiguredLogFile {
  /** Where the collected copy is. */
  readonly copy: string;
  readonly lines: number;
}

/** What {@link collectLogs} found: the files it collected, and what is wrong (a missing or empty file, an agent never started). */
export interface LogCollection {
  readonly folder: string;
  readonly files: CollectedLogFile[];
  readonly problems: string[];
}

/**
 * The files an agent configuration (its `logs.logs_collected.files.collect_list`) names for a
 * host, with the placeholders the agent fills in replaced by the host's values; the agent's
 * default stream is the instance id.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
 */
export function configuredLogFiles(config: unknown, host: Host, hostname: string): ConfiguredLogFile[] {
  const entries = (config as any)?.logs?.logs_collected?.files?.collect_list;
  if (!Array.isArray(entries)) return [];
  const values: Record<string, string> = {
    instance_id: host.metadata.instanceId,
    hostname,
    local_hostname: hostname,
    ip_address: host.metadata.localIpv4,
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  return entries.map((e: any) => ({
    host: host.name,
    filePath: String(e.file_path),
    logGroupName: fill(String(e.log_group_name)),
    logStreamName: fill(typeof e.log_stream_name === 'string' ? e.log_stream_name : '{instance_id}'),
  }));
}

/** Lines of a log file's text: a last line without its newline counts too. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** A log group's or stream's name as one folder or file name. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A host's filesystem, seen from this machine: where a path of the host is. */
export interface HostFiles {
  readonly host: Host;
  path(inHost: string): string;
}

/**
 * Collects, from every running host, the files its CloudWatch agent configurations name into
 * `<run folder>/logs/<log group>/<log stream>.log`, as the agent would ship them to CloudWatch
 * Logs, and counts their lines. A configured file that does not exist, or holds no line by now
 * (after the deploy's requests), is a problem; so is a configuration whose agent was never started.
 */
export function collectLogs(deployment: LocalDeployment): LogCollection {
  const hosts = deployment.topology.hosts.flatMap(host => {
    const machine = deployment.machine(host.name);
    return machine ? [{ host, path: (inHost: string) => machine.path(inHost) }] : [];
  });
  return collectHostLogs(hosts, path.join(deployment.names.runDir, 'logs'));
}

/** {@link collectLogs} over the given hosts' files, into `folder`. */
export function collectHostLogs(hosts: HostFiles[], folder: string): LogCollection {
  const files: CollectedLogFile[] = [];
  const problems: string[] = [];
  for (const { host, path: hostPath } of hosts) {
    const configDir = hostPath(AGENT_CONFIG_DIR);
    const configs = fs.existsSync(configDir) ? fs.readdirSync(configDir).filter(f => f.startsWith('file_')).sort() : [];
    if (configs.length === 0) continue;
    const status = readJson(hostPath(AGENT_STATUS_FILE)) as { status?: string } | undefined;
    if (status?.status !== 'running') {
      problems.push(`${host.name}: the CloudWatch agent is configured (${configs.join(', ')}) but was never started (fetch-config without -s)`);
    }
    const hostname = fs.readFileSync(hostPath('/etc/hostname'), 'utf-8').trim();
    for (const config of configs) {
      for (const file of configuredLogFiles(readJson(path.join(configDir, config)), host, hostname)) {
        const source = hostPath(file.filePath);
        if (!fs.existsSync(source)) {
          problems.push(`${host.name}: ${file.filePath} (log group ${file.logGroupName}) does not exist`);
          continue;
        }
        const text = fs.readFileSync(source, 'utf-8');
        const copy = path.join(folder, safeName(file.logGroupName), `${safeName(file.logStreamName)}.log`);
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.writeFileSync(copy, text);
        const lines = countLines(text);
        if (lines === 0) problems.push(`${host.name}: ${file.filePath} (log group ${file.logGroupName}) never received a line`);
        files.push({ ...file, copy, lines });
      }
    }
  }
  return { folder, files, problems };
}

/** The summary lines of a collection: one per group and stream, with its line count. */
export function describeLogCollection(collection: LogCollection): string[] {
  if (collection.files.length === 0 && collection.problems.length === 0) return ['Logs: no host configured a CloudWatch agent.'];
  const width = Math.max(...collection.files.map(f => f.logGroupName.length), 0);
  return [
    `Logs, collected as the CloudWatch agent would ship them, into ${collection.folder}:`,
    ...collection.files.map(f => `  ${f.logGroupName.padEnd(width)}  ${f.logStreamName} (${f.host}) ${f.filePath}: ${f.lines} lines`),
    ...collection.problems.map(p => `FAILED: ${p}`),
  ];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    return undefined;
  }
}
