import * as fs from 'fs';
import { attach } from '../../deploy/attach';
import { ExitCode } from '../../errors';
import { describeFailure, describeProvisioning, provisionHosts } from '../../provisioning/run-provisioning';
import { journalFile, readJournal } from '../../runtime/init-system';
import { checkMachine } from '../../runtime/preflight';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/**
 * `reprovision [<deployment>]`: runs every association of a live deployment (`deploy --hold`)
 * again, as State Manager re-applies an association, and says what changed: Ansible's recap and
 * changed tasks, and every unit that `systemctl` started, stopped, restarted or reloaded.
 */
export async function reprovisionCommand({ operands: [id] }: ParsedArgs, session: Session): Promise<ExitCode> {
  const { log } = session;
  checkMachine([]);
  const deployment = attach(id);
  const offsets = new Map(deployment.machines.map(m => [m.host.name, fileSize(journalFile(m.hostDir))]));
  log(`Running the associations of deployment ${deployment.state.id} (${deployment.topology.stackName}) again on ${deployment.machines.filter(m => m.host.associations.length > 0).length} hosts`);
  const started = Date.now();
  const results = await provisionHosts(deployment.machines, deployment.topology, deployment.names.runDir);
  for (const line of describeProvisioning(results)) log(line);
  for (const r of results) {
    const changed = r.runs.flatMap(run => run.steps).flatMap(s => s.ansible?.changedTasks ?? []);
    if (changed.length > 0) log(`  ${r.host}: Ansible changed: ${changed.join(', ')}`);
  }
  const actions = deployment.machines.flatMap(m => readJournal(journalFile(m.hostDir), offsets.get(m.host.name))
    .flatMap(e => e.actions.map(a => `${m.host.name} ${a}`)));
  log(`Reprovisioned in ${((Date.now() - started) / 1000).toFixed(1)}s; systemctl: ${actions.join(', ') || 'no unit started, stopped, restarted or reloaded'}`);
  const failed = results.filter(r => !r.succeeded);
  for (const r of failed) log(describeFailure(r));
  return failed.length > 0 ? ExitCode.DEPLOY_FAILED : ExitCode.OK;
}

function fileSize(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}
