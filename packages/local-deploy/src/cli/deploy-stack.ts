import { describeTopology } from './describe';
import { Session, SessionDeployOptions } from './session';
import { CloudAssembly } from '../assembly/cloud-assembly';
import { constructVersionWarnings } from '../assembly/construct-versions';
import { LocalDeployment } from '../deploy/deployment';
import { mapStack } from '../model/map-stack';
import { Topology } from '../model/topology';

/** Options of {@link deployStack}. */
export interface StackDeployOptions extends SessionDeployOptions {
  /** Instances of every Auto Scaling group instead of the template's DesiredCapacity. */
  readonly desiredCapacity?: number;
}

/** How long beyond the balancers' own healthy time a deployment may take to pass its health checks. */
const HEALTHY_MARGIN_MS = 10_000;

/**
 * Reads a stack of a cloud assembly, warns about constructs of another version than the tool's,
 * maps it and brings it up through the session: the path of `deploy` and of the programmatic API.
 */
export async function deployStack(session: Session, assemblyDir: string, stackName: string,
  options: StackDeployOptions): Promise<{ topology: Topology; deployment: LocalDeployment }> {
  const { log } = session;
  const stack = CloudAssembly.read(assemblyDir).stack(stackName);
  for (const warning of constructVersionWarnings(stack)) log(warning);
  const topology = mapStack(stack, { desiredCapacity: options.desiredCapacity });
  log(describeTopology(topology, options.healthCheckTimeScale));
  const started = Date.now();
  const deployment = await session.deploy(topology, options);
  log(`Up in ${((Date.now() - started) / 1000).toFixed(1)}s. Waiting for the balancer's health checks...`);
  return { topology, deployment };
}

/** Waits (bounded) until the balancers mark every target healthy; says so when they do not. */
export async function waitUntilHealthy(deployment: LocalDeployment, log: (line: string) => void): Promise<boolean> {
  const healthyWithin = deployment.healthyWithinMs + HEALTHY_MARGIN_MS;
  if (await deployment.waitForHealthyTargets(healthyWithin)) return true;
  log(`Not every target became healthy within ${healthyWithin / 1000}s: ${JSON.stringify(deployment.targetHealth())}`);
  return false;
}
