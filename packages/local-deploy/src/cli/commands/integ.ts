import { runIntegTests } from '../../checks/integ-runner';
import { ExitCode } from '../../errors';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/** `integ <folder>`: deploys each integ test's snapshot and runs its own assertions against it. */
export async function integCommand({ operands: [integDir], options }: ParsedArgs, session: Session): Promise<ExitCode> {
  return runIntegTests(integDir, {
    log: session.log,
    deploy: topology => session.deploy(topology, { ...options, publishPort: 0 }),
    tearDown: async d => { await session.tearDown(d); },
    healthCheckTimeScale: options.healthCheckTimeScale,
  });
}
