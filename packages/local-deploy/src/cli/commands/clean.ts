import { ExitCode } from '../../errors';
import { cleanupStaleDeployments } from '../../runtime/cleanup';
import { checkMachine } from '../../runtime/preflight';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/** `clean`: removes what runs killed before their teardown left behind (never a live run's). */
export async function cleanCommand(_args: ParsedArgs, session: Session): Promise<ExitCode> {
  checkMachine([]);
  const stale = cleanupStaleDeployments();
  session.log(stale.length > 0 ? `Removed: ${stale.join(', ')}` : 'Nothing to clean.');
  return ExitCode.OK;
}
