import * as fs from 'fs';
import * as path from 'path';
import { liveDeployments } from '../../deploy/attach';
import { ExitCode, LocalDeployError } from '../../errors';
import { sendCommand } from '../../runtime/command-socket';
import { DeploymentNames } from '../../runtime/naming';
import { checkMachine } from '../../runtime/preflight';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/** What `update` asks of the process that holds the deployment. */
export interface UpdateRequest {
  readonly command: 'update';
  /** The new cloud assembly, as an absolute path. */
  readonly assembly: string;
  readonly stack: string;
}

/**
 * `update <deployment> <cdk.out> <stack>`: applies a new template of the stack to a deployment
 * that `deploy --hold` holds up, as CloudFormation applies it to a running stack. The holding
 * process does the work, since it owns the deployment's hosts, processes and namespaces (and tears
 * them down at its end); this one sends it the request over the deployment's command socket and
 * prints what it reports, line by line, ending with its exit code.
 */
export async function updateCommand({ operands: [id, assemblyDir, stack] }: ParsedArgs, session: Session): Promise<ExitCode> {
  checkMachine([]);
  const live = liveDeployments();
  const state = live.find(s => s.id === id);
  if (!state) {
    const ids = live.map(s => `${s.id} (${s.stackName}, pid ${s.ownerPid})`).join(', ') || 'none';
    throw new LocalDeployError(`No live deployment ${id}. Live deployments: ${ids}`, ExitCode.USAGE);
  }
  const socket = new DeploymentNames(state.id).commandSocket;
  if (!fs.existsSync(socket)) {
    throw new LocalDeployError(`Deployment ${state.id} takes no update: only a deployment held up by deploy --hold does, once it holds (this one is still coming up, or runs for integ or bench)`, ExitCode.USAGE);
  }
  const request: UpdateRequest = { command: 'update', assembly: path.resolve(assemblyDir), stack };
  const code = await sendCommand(socket, request, session.log).catch((e: Error) => {
    throw new LocalDeployError(`Cannot reach the process that holds deployment ${state.id} (pid ${state.ownerPid}): ${e.message}`, ExitCode.USAGE);
  });
  if (code === undefined) throw new LocalDeployError(`The process that holds deployment ${state.id} ended before the update did`, ExitCode.INTERRUPTED);
  return code;
}

/** Reads an update request; raises a usage error naming what it expected. */
export function parseUpdateRequest(request: unknown): UpdateRequest {
  const r = request as Partial<UpdateRequest> | undefined;
  if (!r || r.command !== 'update' || typeof r.assembly !== 'string' || typeof r.stack !== 'string') {
    throw new LocalDeployError(`Malformed request ${JSON.stringify(request)}: expected {"command": "update", "assembly": <folder>, "stack": <name>}`, ExitCode.USAGE);
  }
  return r as UpdateRequest;
}
