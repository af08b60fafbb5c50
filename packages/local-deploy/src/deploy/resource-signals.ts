import { ExitCode, LocalDeployError } from '../errors';
import { Host, SignalPolicy, Topology } from '../model/topology';
import { ProgramResult } from '../runtime/control-server';

/** What one call of cfn-signal asks for (its resource-signalling syntax). */
export interface CfnSignalRequest {
  readonly stack?: string;
  readonly resource?: string;
  readonly region?: string;
  readonly success: boolean;
  readonly reason?: string;
  readonly id?: string;
}

/** A signal the deployment accepted. */
export interface ReceivedSignal {
  readonly resource: string;
  readonly host: string;
  readonly uniqueId: string;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly reason?: string;
  /** Whether it came during the resource's rolling update rather than its creation. */
  readonly update?: boolean;
}

/** A resource's CreationPolicy failed: a FAILURE signal, or too few signals in time. */
export class ResourceSignalError extends LocalDeployError {
  constructor(message: string, public readonly resource: string) {
    super(message, ExitCode.DEPLOY_FAILED);
    this.name = 'ResourceSignalError';
  }
}

/** cfn-signal's options that take a value, by every name they have; the rest are credentials and proxies, which the local deploy does not need. */
const OPTIONS: Record<string, keyof CfnSignalRequest | 'exitCode' | 'successText' | 'ignored'> = {
  '--stack': 'stack',
  '--resource': 'resource',
  '--region': 'region',
  '--reason': 'reason',
  '-r': 'reason',
  '--id': 'id',
  '-i': 'id',
  '--exit-code': 'exitCode',
  '-e': 'exitCode',
  '--success': 'successText',
  '-s': 'successText',
  '--url': 'ignored',
  '--role': 'ignored',
  '--access-key': 'ignored',
  '--secret-key': 'ignored',
  '--credential-file': 'ignored',
  '-f': 'ignored',
  '--http-proxy': 'ignored',
  '--https-proxy': 'ignored',
};

/**
 * Parses cfn-signal's arguments: `--exit-code` decides the status when given (0 is SUCCESS) and
 * `--success` is then ignored, else `--success` (default true). Throws an Error naming a bad argument.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-signal.html
 */
export function parseCfnSignalArgs(argv: string[]): CfnSignalRequest {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const key = OPTIONS[name];
    if (!key) throw new Error(`unknown argument ${argv[i]} (the local cfn-signal takes the resource-signalling options: ${Object.keys(OPTIONS).join(', ')})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    values[key] = value;
  }
  if (values.exitCode !== undefined && !/^-?\d+$/.test(values.exitCode)) throw new Error(`--exit-code ${values.exitCode}: expected a whole number`);
  const success = values.exitCode !== undefined ? Number(values.exitCode) === 0 : (values.successText ?? 'true').toLowerCase() === 'true';
  return { stack: values.stack, resource: values.resource, region: values.region, success, reason: values.reason, id: values.id };
}

/**
 * The deployment's stand-in for CloudFormation's SignalResource: it answers each host's cfn-signal
 * as CloudFormation would (the stack and a resource of it that waits for signals, or an error),
 * counts SUCCESS signals by unique id against each resource's CreationPolicy, and fails a
 * resource at its first FAILURE signal or when its (scaled) timeout passes first.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html
 */
export class ResourceSignals {
  public readonly received: ReceivedSignal[] = [];
  private readonly pending: Map<string, SignalPolicy>;
  private failed?: ResourceSignalError;
  /** Resources in a rolling update that waits for signals (UPDATE_IN_PROGRESS): they take signals again. */
  private readonly updating = new Set<string>();
  /** Settles the promise of {@link wait}, once it is called, when a signal or a timeout changes the outcome. */
  private onChange: () => void;
  /** Settles the promise of {@link waitForUpdateSignals} when an update signal comes. */
  private onUpdateSignal: () => void;

  constructor(private readonly topology: Topology, private readonly log: (line: string) => void) {
    this.pending = new Map(topology.signals.map(p => [p.logicalId, p]));
    this.onChange = () => undefined;
    this.onUpdateSignal = () => undefined;
  }

  /** The first failure of a CreationPolicy, once there is one. */
  public get failure(): ResourceSignalError | undefined {
    return this.failed;
  }

  /** Answers one cfn-signal call of a host. */
  public receive(host: Host, argv: string[]): ProgramResult {
    let request: CfnSignalRequest;
    try {
      request = parseCfnSignalArgs(argv);
    } catch (e) {
      return refuse(`cfn-signal: ${(e as Error).message}`);
    }
    const { stackName, region } = this.topology;
    if (!request.stack || !request.resource) return refuse('cfn-signal: --stack and --resource are required to signal a resource');
    if ((request.stack !== stackName && !request.stack.includes(`:stack/${stackName}/`)) || (request.region && request.region !== region)) {
      return refuse(`ValidationError: Stack with id ${request.stack} does not exist (in ${request.region ?? region}; this deployment is ${stackName} in ${region})`);
    }
    if (this.updating.has(request.resource)) return this.receiveUpdateSignal(host, request);
    const policy = this.pending.get(request.resource);
    if (!policy) {
      const known = this.topology.signals.some(p => p.logicalId === request.resource);
      return refuse(known
        ? `ValidationError: Resource ${request.resource} is in ${this.failed?.resource === request.resource ? 'CREATE_FAILED' : 'CREATE_COMPLETE'} state and cannot be signaled`
        : `ValidationError: Resource ${request.resource} of stack ${stackName} has no CreationPolicy waiting for signals`);
    }
    const signal: ReceivedSignal = {
      resource: policy.logicalId,
      host: host.name,
      uniqueId: request.id ?? host.instanceId,
      status: request.success ? 'SUCCESS' : 'FAILURE',
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
    };
    this.received.push(signal);
    const successes = this.successes(policy.logicalId);
    this.log(`  ${host.name.padEnd(6)} signalled ${signal.status} to ${policy.logicalId} (id ${signal.uniqueId}; ${successes.size} of ${policy.count} SUCCESS)`
      + (signal.reason ? `: ${signal.reason}` : ''));
    if (signal.status === 'FAILURE') {
      this.fail(policy, `${policy.logicalId} received a FAILURE signal from ${host.name} (${host.instanceId}): ${signal.reason ?? 'no reason given'}`);
    } else if (successes.size >= policy.count) {
      this.pending.delete(policy.logicalId);
    }
    this.onChange();
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  /**
   * Resolves once every CreationPolicy has its count of SUCCESS signals; rejects at the first
   * FAILURE signal, or when a policy's timeout, multiplied by `timeScale`, passes first.
   */
  public wait(timeScale: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timers = [...this.pending.values()].map(policy => setTimeout(() => {
        if (!this.pending.has(policy.logicalId)) return;
        const signalled = new Set(this.received.filter(s => s.resource === policy.logicalId).map(s => s.host));
        const silent = policy.hosts.filter(h => !signalled.has(h)).map(h => {
          const host = this.topology.hosts.find(x => x.name === h)!;
          return `${h} (${host.instanceId})`;
        });
        this.fail(policy, `${policy.logicalId} received ${this.successes(policy.logicalId).size} of ${policy.count} SUCCESS signals within `
          + `${seconds(policy.timeoutSeconds * timeScale)} (its CreationPolicy's ${policy.timeoutSeconds}s, x${timeScale} locally); `
          + `no signal from ${silent.join(', ') || 'any other instance'}`);
        this.onChange();
      }, policy.timeoutSeconds * 1000 * timeScale));
      this.onChange = () => {
        if (!this.failed && this.pending.size > 0) return;
        timers.forEach(clearTimeout);
        if (this.failed) reject(this.failed);
        else resolve();
      };
      this.onChange();
    });
  }

  /**
   * Takes signals for a resource during its rolling update, as CloudFormation does for a group
   * whose AutoScalingRollingUpdate has WaitOnResourceSignals while the stack is UPDATE_IN_PROGRESS;
   * `endUpdate` stops that.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
   */
  public beginUpdate(resource: string) {
    this.updating.add(resource);
  }

  public endUpdate(resource: string) {
    this.updating.delete(resource);
  }

  /**
   * Waits until each of `hosts` sent a signal to `resource` during its update (its first counts), or
   * until `deadline` (epoch milliseconds). Resolves with each host's signal, or undefined for a host
   * that sent none in time.
   */
  public waitForUpdateSignals(resource: string, hosts: string[], deadline: number): Promise<Map<string, ReceivedSignal | undefined>> {
    const outcome = () => new Map(hosts.map(h => [h, this.received.find(s => s.update && s.resource === resource && s.host === h)]));
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        const now = outcome();
        if ([...now.values()].every(x => x) || Date.now() >= deadline) {
          this.onUpdateSignal = () => undefined;
          resolve(now);
          return;
        }
        // Again until the deadline: a timer runs on Node's monotonic clock and may fire a moment
        // before Date.now() reaches the deadline.
        timer = setTimeout(settle, Math.max(1, deadline - Date.now()));
      };
      this.onUpdateSignal = settle;
      settle();
    });
  }

  private receiveUpdateSignal(host: Host, request: CfnSignalRequest): ProgramResult {
    const signal: ReceivedSignal = {
      resource: request.resource!,
      host: host.name,
      uniqueId: request.id ?? host.instanceId,
      status: request.success ? 'SUCCESS' : 'FAILURE',
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
      update: true,
    };
    this.received.push(signal);
    this.log(`  ${host.name.padEnd(6)} signalled ${signal.status} to ${signal.resource} during its rolling update (id ${signal.uniqueId})`
      + (signal.reason ? `: ${signal.reason}` : ''));
    this.onUpdateSignal();
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  /** One line per resource: the signals it received, by host. */
  public describe(): string[] {
    return this.topology.signals.map(p => {
      const from = this.received.filter(s => s.resource === p.logicalId).map(s => `${s.host} ${s.status}`);
      return `  ${p.logicalId}: ${this.successes(p.logicalId).size} of ${p.count} SUCCESS signals (${from.join(', ') || 'none'})`;
    });
  }

  private successes(resource: string): Set<string> {
    return new Set(this.received.filter(s => s.resource === resource && s.status === 'SUCCESS' && !s.update).map(s => s.uniqueId));
  }

  private fail(policy: SignalPolicy, message: string) {
    this.pending.delete(policy.logicalId);
    this.failed ??= new ResourceSignalError(message, policy.logicalId);
  }
}

function refuse(message: string): ProgramResult {
  return { exitCode: 1, stdout: '', stderr: `${message}\n` };
}

function seconds(s: number): string {
  return `${Number(s.toFixed(1))}s`;
}
