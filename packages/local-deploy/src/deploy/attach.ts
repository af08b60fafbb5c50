import * as fs from 'fs';
import * as path from 'path';
import { ExitCode, LocalDeployError } from '../errors';
import { DeploymentState } from './deployment';
import { Topology } from '../model/topology';
import { isAlive } from '../runtime/cleanup';
import { Machine } from '../runtime/machine';
import { DeploymentNames, RUN_ROOT } from '../runtime/naming';

/** A deployment that another process of the tool holds up, as a command can act on it. */
export interface AttachedDeployment {
  readonly names: DeploymentNames;
  readonly state: DeploymentState;
  readonly topology: Topology;
  readonly machines: Machine[];
}

/** The deployments whose owner (`deploy --hold`, `integ`, `bench`) is alive. */
export function liveDeployments(): DeploymentState[] {
  if (!fs.existsSync(RUN_ROOT)) return [];
  return fs.readdirSync(RUN_ROOT).map(id => readState(id)).filter((s): s is DeploymentState => !!s && isAlive(s.ownerPid));
}

/**
 * The live deployment with this id, or the only live one. Raises a usage error naming the live
 * deployments when there is no such one or several to choose from.
 */
export function attach(id?: string): AttachedDeployment {
  const live = liveDeployments();
  const ids = live.map(s => `${s.id} (${s.stackName}, pid ${s.ownerPid})`).join(', ') || 'none';
  const state = id ? live.find(s => s.id === id) : live.length === 1 ? live[0] : undefined;
  if (!state) {
    throw new LocalDeployError(id ? `No live deployment ${id}. Live deployments: ${ids}`
      : `Name the deployment: ${live.length === 0 ? 'there is no live deployment (start one with deploy --hold)' : `live deployments: ${ids}`}`, ExitCode.USAGE);
  }
  const names = new DeploymentNames(state.id);
  if (!fs.existsSync(names.topologyFile)) throw new LocalDeployError(`Deployment ${state.id} has no ${names.topologyFile}: it is still coming up`, ExitCode.USAGE);
  const topology: Topology = JSON.parse(fs.readFileSync(names.topologyFile, 'utf-8'));
  const machines = topology.hosts.map(h => {
    const initPid = state.hosts.find(x => x.name === h.name)?.initPid;
    if (!initPid || !isAlive(initPid)) throw new LocalDeployError(`Deployment ${state.id}: host ${h.name} has no running init`, ExitCode.DEPLOY_FAILED);
    return new Machine(h, names.namespace(h.name), initPid, names.hostDir(h.name));
  });
  return { names, state, topology, machines };
}

function readState(id: string): DeploymentState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(RUN_ROOT, id, 'state.json'), 'utf-8'));
  } catch {
    return undefined;
  }
}
