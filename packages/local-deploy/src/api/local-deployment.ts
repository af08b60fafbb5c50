import { getFromInternet } from '../checks/http-requests';
import { parseArgs } from '../cli/args';
import { deployStack, waitUntilHealthy } from '../cli/deploy-stack';
import { Session } from '../cli/session';
import { LocalDeployment as Deployment, InternetSite, PublishedEndpoint, TargetHealth } from '../deploy/deployment';
import { ExitCode, LocalDeployError } from '../errors';
import { get as httpGet, GetResult, InternetClient } from '../runtime/http-client';

export { InternetClient, InternetSite, PublishedEndpoint, TargetHealth };

/** Options of {@link LocalDeployment.up}; each has the range of the `deploy` command's option of the same name. */
export interface LocalDeploymentOptions {
  /**
   * Health check intervals and timeouts (and CreationPolicy timeouts) are multiplied by this
   * (`--health-check-time-scale`, 0.01 to 1).
   * @default 0.1
   */
  readonly healthCheckTimeScale?: number;
  /**
   * The port on 127.0.0.1 of the first published web server (`--publish-port`, 0 to 65535).
   * @default 0, a free port (see {@link LocalDeployment.url})
   */
  readonly publishPort?: number;
  /**
   * Instances of every Auto Scaling group instead of the template's DesiredCapacity (`--desired-capacity`, 1 to 16).
   * @default the template's
   */
  readonly desiredCapacity?: number;
  /**
   * A JSON file of the values of the SSM parameters and Secrets Manager secrets the hosts read
   * (`--secret-values`): `{"ssmParameters": {"<name>": "<value>"}, "secrets": {"<name or ARN>": "<value>"}}`.
   * It is read at every call, so an edit followed by a run of the associations (`nlb-tiers-local reprovision`) is a rotation.
   * @default none: every parameter and secret is missing
   */
  readonly secretValues?: string;
  /**
   * Receives each line of progress the command line would print (the topology, provisioning, teardown).
   * @default the lines are only kept in {@link LocalDeployment.output}
   */
  readonly log?: (line: string) => void;
}

/** An HTTP response of {@link LocalDeployment.get}. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Options of {@link LocalDeployment.get}. */
export interface GetOptions {
  /**
   * How long the request may take, in milliseconds.
   * @default 5000
   */
  readonly timeoutMs?: number;
}

/** The signals on which every deployment of the process is torn down before the process goes on to end. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * A stack of a cloud assembly running on this machine, as `nlb-tiers-local deploy` runs it (the
 * same session, preflight, deployment and health checks), for a test to send requests to and
 * tear down:
 *
 * ```ts
 * const d = await LocalDeployment.up(assemblyDir, 'MyStack');
 * try {
 *   expect((await d.get('/')).status).toBe(200);
 * } finally {
 *   await d.down();
 * }
 * ```
 *
 * `up` needs root on Linux (it fails at once otherwise, as the command line does) and installs
 * the Debian packages the stack needs when they are missing. While any deployment of the process
 * is up or coming up, SIGINT, SIGTERM and SIGHUP tear all of them down first; then the signal is
 * raised again, so the process ends as it would have.
 */
export class LocalDeployment {
  /**
   * Deploys `stackName` (its artifact id or stack name) of the cloud assembly in `assemblyDir` and
   * waits until the balancers mark every target healthy. On any failure, what was made is torn
   * down before the error is raised: a `LocalDeployError` whose `exitCode` is the command line's
   * (2 bad input or assembly, 3 machine, 4 packages, 5 unsupported resources, 6 deploy failed,
   * 1 targets not healthy).
   */
  public static async up(assemblyDir: string, stackName: string, options: LocalDeploymentOptions = {}): Promise<LocalDeployment> {
    const parsed = parseOptions(assemblyDir, stackName, options);
    const output: string[] = [];
    const session = new Session(line => {
      output.push(line);
      options.log?.(line);
    });
    trackSession(session);
    try {
      const { deployment } = await deployStack(session, assemblyDir, stackName, parsed);
      if (!(await waitUntilHealthy(deployment, session.log))) {
        throw new LocalDeployError(`${stackName}: not every target became healthy:\n${output.slice(-1)[0]}`, ExitCode.CHECKS_FAILED);
      }
      return new LocalDeployment(session, deployment, output);
    } catch (e) {
      await session.tearDownAll();
      untrackSession(session);
      throw e;
    }
  }

  private downPromise?: Promise<void>;

  private constructor(private readonly session: Session, private readonly deployment: Deployment,
    /** Every line of progress so far (see {@link LocalDeploymentOptions.log}). */
    public readonly output: readonly string[]) {}

  /** The deployment's id: its namespaces are `nlbt-<id>-*`, its run folder /run/nlb-tiers-local/<id>. */
  public get id(): string {
    return this.deployment.names.id;
  }

  /** The CloudFormation stack name. */
  public get stackName(): string {
    return this.deployment.topology.stackName;
  }

  /** The web servers with an Elastic IP, published on 127.0.0.1, in the order of the template. */
  public get endpoints(): readonly PublishedEndpoint[] {
    return this.deployment.endpoints;
  }

  /**
   * The URL of the first published web server, e.g. `http://127.0.0.1:41234/`; in a stack without
   * an Elastic IP, the first internet-facing load balancer's site, e.g. `https://www.example.com/`
   * (reached from the deployment's Internet namespace: see {@link sites}).
   */
  public get url(): string {
    const url = this.deployment.endpoints[0]?.url ?? this.deployment.sites[0]?.url;
    if (!url) {
      throw new LocalDeployError(`${this.stackName} has no web server with an Elastic IP and no internet-facing load balancer`, ExitCode.USAGE);
    }
    return url;
  }

  /**
   * The sites of the internet-facing load balancers: their URLs, the namespace their clients run
   * in, and the certificate of the deployment's CA, which issued their certificates.
   */
  public get sites(): readonly InternetSite[] {
    return this.deployment.sites;
  }

  /** The targets of every target group, by target group ARN, as the balancers see them now. */
  public targetHealth(): Record<string, TargetHealth[]> {
    return this.deployment.targetHealth();
  }

  /**
   * Sends one GET of `path` to the first published web server (a new connection, through the
   * Elastic IP, the web server and the load balancer) or, without one, to the first internet-facing
   * load balancer's site, from the Internet namespace, verifying its certificate against the
   * deployment's CA. Rejects when no answer comes within the timeout or the connection (or the
   * certificate) fails; any HTTP status resolves.
   */
  public async get(path: string = '/', options: GetOptions = {}): Promise<HttpResponse> {
    if (!path.startsWith('/')) throw new LocalDeployError(`get() takes a path that starts with "/", got "${path}"`, ExitCode.USAGE);
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
      throw new LocalDeployError(`get() takes a timeoutMs from 1 to 600000, got ${timeoutMs}`, ExitCode.USAGE);
    }
    const url = new URL(path, this.url).toString();
    let r: GetResult = { body: '', error: 'no answer' };
    if (this.deployment.endpoints[0]) r = await httpGet(url, timeoutMs);
    else await getFromInternet(this.deployment.sites[0].client, url, 1, timeoutMs, answer => (r = answer));
    if (r.status === undefined) throw new Error(`GET ${url} failed: ${r.error}`);
    return { status: r.status, body: r.body };
  }

  /** Tears everything down (namespaces, processes, rules, files); safe to call more than once. */
  public down(): Promise<void> {
    this.downPromise ??= this.session.tearDown(this.deployment).then(() => untrackSession(this.session));
    return this.downPromise;
  }
}

/** The options as the `deploy` command line: the same checks and messages, named as the API names them. */
function parseOptions(assemblyDir: string, stackName: string, options: LocalDeploymentOptions) {
  const flags: Array<[keyof LocalDeploymentOptions, string]> = [
    ['healthCheckTimeScale', '--health-check-time-scale'],
    ['publishPort', '--publish-port'],
    ['desiredCapacity', '--desired-capacity'],
    ['secretValues', '--secret-values'],
  ];
  const argv = ['deploy', assemblyDir, stackName, '--publish-port', '0'];
  for (const [key, flag] of flags) {
    const value = options[key];
    if (value !== undefined) argv.push(flag, String(value));
  }
  try {
    return parseArgs(argv).options;
  } catch (e) {
    if (!(e instanceof LocalDeployError)) throw e;
    const first = e.message.split('\n')[0];
    const [, flag] = flags.find(([, f]) => first.startsWith(f)) ?? [];
    const key = flags.find(([, f]) => f === flag)?.[0];
    throw new LocalDeployError(`LocalDeployment.up: ${key ? first.replace(flag!, `options.${key}`) : first}`, e.exitCode);
  }
}

/** The sessions of this process that have a deployment up or coming up. */
const sessions = new Set<Session>();
let tearingDown = false;

function onSignal(signal: NodeJS.Signals) {
  if (tearingDown) return;
  tearingDown = true;
  void Promise.allSettled([...sessions].map(s => s.tearDownAll())).finally(() => {
    sessions.clear();
    removeHandlers();
    // Raised again without the handlers: the process ends (or goes on) as it would have without them.
    process.kill(process.pid, signal);
  });
}

function removeHandlers() {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

function trackSession(session: Session) {
  if (sessions.size === 0) {
    tearingDown = false;
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  sessions.add(session);
}

function untrackSession(session: Session) {
  sessions.delete(session);
  if (sessions.size === 0) removeHandlers();
}
