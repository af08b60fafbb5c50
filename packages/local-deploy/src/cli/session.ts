import * as fs from 'fs';
import * as path from 'path';
import { parseSecretValues } from '../aws-api';
import { LocalDeployment } from '../deploy/deployment';
import { requiredPackages } from '../deploy/packages';
import { ExitCode, LocalDeployError } from '../errors';
import { Topology } from '../model/topology';
import { cleanupStaleDeployments } from '../runtime/cleanup';
import { checkMachine, ensurePackages, probeKernel } from '../runtime/preflight';

/** How a session brings a topology up. */
export interface SessionDeployOptions {
  readonly publishPort: number;
  readonly healthCheckTimeScale: number;
  /** The file of the values the hosts' SSM parameters and secrets hold (`--secret-values`). */
  readonly secretValues?: string;
}

/**
 * What the commands share while the tool runs: where they write, the machine's preflight, and every
 * deployment that is up (or coming up), so that the entry point can tear all of them down on a signal.
 */
export class Session {
  private readonly live = new Set<LocalDeployment>();
  private readonly tearingDown = new Map<LocalDeployment, Promise<number>>();
  private readonly ensuredPackages = new Set<string>();
  private machineChecked = false;

  constructor(public readonly log: (line: string) => void) {}

  /**
   * Checks the machine (root, packages, kernel) for these topologies and programs, and removes what
   * killed runs left. A command that deploys several topologies calls it once with all of them, so
   * that a missing package stops it before anything runs; later calls only add missing packages.
   */
  public preflight(topologies: Topology[], extraPackages: string[] = []): void {
    const packages = [...new Set([...topologies.flatMap(requiredPackages), ...extraPackages])].sort();
    const missing = packages.filter(p => !this.ensuredPackages.has(p));
    if (this.machineChecked && missing.length === 0) return;
    checkMachine(packages);
    ensurePackages(missing, this.log);
    missing.forEach(p => this.ensuredPackages.add(p));
    if (this.machineChecked) return;
    probeKernel();
    const stale = cleanupStaleDeployments();
    if (stale.length > 0) this.log(`Removed what interrupted runs left behind: ${stale.join(', ')}`);
    this.machineChecked = true;
  }

  /** Runs the preflight for the topology (if not done yet) and brings it up. */
  public async deploy(topology: Topology, options: SessionDeployOptions): Promise<LocalDeployment> {
    const secretValues = options.secretValues === undefined ? undefined : checkSecretValues(options.secretValues);
    this.preflight([topology]);
    let created: LocalDeployment | undefined;
    try {
      return await LocalDeployment.up(topology, { ...options, secretValues, log: this.log }, d => {
        created = d;
        this.live.add(d);
      });
    } catch (e) {
      // `up` has torn down what it made; say so, as after any deployment.
      if (created) await this.tearDown(created);
      throw e;
    }
  }

  /** Tears a deployment down once (a second call waits for the first), says so, and returns the seconds it took. */
  public tearDown(deployment: LocalDeployment): Promise<number> {
    let done = this.tearingDown.get(deployment);
    if (!done) {
      done = (async () => {
        const started = Date.now();
        await deployment.down();
        this.live.delete(deployment);
        const seconds = (Date.now() - started) / 1000;
        this.log(`Torn down in ${seconds.toFixed(1)}s: no namespace, process or rule of deployment ${deployment.names.id} is left.`);
        return seconds;
      })();
      this.tearingDown.set(deployment, done);
    }
    return done;
  }

  /** Tears down every deployment that is up or coming up (on a signal). */
  public async tearDownAll(): Promise<void> {
    await Promise.all([...this.live].map(d => this.tearDown(d)));
  }
}

/**
 * The absolute path of a `--secret-values` file, once it was read and found of the right shape:
 * the hosts' stand-ins read it again at every call, wherever the tool runs from.
 */
function checkSecretValues(file: string): string {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf-8');
  } catch (e) {
    throw new LocalDeployError(`--secret-values ${file}: cannot be read (${(e as NodeJS.ErrnoException).code}); expected a readable JSON file`, ExitCode.USAGE);
  }
  parseSecretValues(text, file);
  return absolute;
}
