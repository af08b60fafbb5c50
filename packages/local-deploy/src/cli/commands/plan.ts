import { CloudAssembly } from '../../assembly/cloud-assembly';
import { ExitCode } from '../../errors';
import { mapStack } from '../../model/map-stack';
import { ParsedArgs } from '../args';
import { describeTopology } from '../describe';
import { Session } from '../session';

/** `plan <cdk.out> <stack>`: what a deployment would run, or every resource it cannot run. Needs no root. */
export async function planCommand({ operands: [assemblyDir, stackName], options }: ParsedArgs, session: Session): Promise<ExitCode> {
  const topology = mapStack(CloudAssembly.read(assemblyDir).stack(stackName), { desiredCapacity: options.desiredCapacity });
  session.log(describeTopology(topology, options.healthCheckTimeScale));
  return ExitCode.OK;
}
