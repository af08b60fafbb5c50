import { LocalDeployment } from '../deploy/deployment';
import { requiredPackages } from '../deploy/packages';
import { Topology } from '../model/topology';
import { cleanupStaleDeployments } from '../runtime/cleanup';
import { checkMachine, ensurePackages, probeKernel } from '../runtime/preflight';

/** How a session brings a topology up. */
export interface SessionDeployOptions {
  readonly publishPort: number;
  readonly healthCheckTimeScale: number;
}

/**
 * What the commands share while the tool runs: where they write, and every deployment that is up
 * (or coming up), so that the entry point can tear all of them down on a signal.
 */
export class Session {
  private readonly live = new Set<LocalDeployment>();

  constructor(public readonly log: (line: string) => void) {}

  /** Checks the machine (root, packages, kernel), removes what killed runs left, and brings a topology up. */
  public async deploy(topology: Topology, options: SessionDeployOptions): Promise<LocalDeployment> {
    const packages = requiredPackages(topology);
    checkMachine(packages);
    ensurePackages(packages, this.log);
    probeKernel();
    const stale = cleanupStaleDeployments();
    if (stale.length > 0) this.log(`Removed what interrupted runs left behind: ${stale.join(', ')}`);
    let created: LocalDeployment | undefined;
    try {
      return await LocalDeployment.up(topology, { ...options, log: this.log }, d => {
        created = d;
        this.live.add(d);
      });
    } catch (e) {
      // `up` has torn down what it made; say so, as after any deployment.
      if (created) await this.tearDown(created);
      throw e;
    }
  }

  /** Tears a deployment down and says so. */
  public async tearDown(deployment: LocalDeployment): Promise<void> {
    const started = Date.now();
    await deployment.down();
    this.live.delete(deployment);
    this.log(`Torn down in ${((Date.now() - started) / 1000).toFixed(1)}s: no namespace, process or rule of deployment ${deployment.names.id} is left.`);
  }

  /** Tears down every deployment that is up or coming up (on a signal). */
  public async tearDownAll(): Promise<void> {
    await Promise.all([...this.live].map(d => this.tearDown(d)));
  }
}
