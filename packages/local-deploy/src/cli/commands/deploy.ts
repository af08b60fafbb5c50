import { sendRequests } from '../../checks/http-requests';
import { ExitCode } from '../../errors';
import { ParsedArgs } from '../args';
import { deployStack, waitUntilHealthy } from '../deploy-stack';
import { Session } from '../session';

/**
 * `deploy <cdk.out> <stack>`: brings the stack up, waits for healthy targets, sends the requests
 * through the first published web server and tears everything down (after SIGINT/SIGTERM with `--hold`).
 */
export async function deployCommand({ operands: [assemblyDir, stackName], options }: ParsedArgs, session: Session): Promise<ExitCode> {
  const { log } = session;
  const { topology, deployment } = await deployStack(session, assemblyDir, stackName, options);
  try {
    if (!(await waitUntilHealthy(deployment, log))) return ExitCode.CHECKS_FAILED;
    const endpoint = deployment.endpoints[0];
    if (!endpoint) {
      log('The stack has no web server with an Elastic IP: nothing to send requests to.');
      return ExitCode.CHECKS_FAILED;
    }
    log(`All targets healthy. Sending ${options.requests} requests to ${endpoint.url} (Elastic IP ${endpoint.elasticIp}):`);
    const summary = await sendRequests(endpoint.url, options.requests, 5000, r =>
      log(`  #${String(r.index).padStart(3, '0')} ${r.status ?? '---'} ${r.error && r.status !== 200 ? `${r.error} ` : ''}${r.body.slice(0, 120)} (${r.elapsedMs} ms)`));
    const targets = topology.balancers.flatMap(b => b.listeners).flatMap(l => l.targetGroup.targets).length;
    const wanted = Math.min(2, targets);
    log(`Summary: ${summary.results.length - summary.errors}/${summary.results.length} succeeded, ${summary.errors} errors, ` +
      `${summary.instanceIds.length} distinct instance ids: ${summary.instanceIds.join(', ') || '(none)'}`);
    const passed = summary.errors === 0 && summary.instanceIds.length >= wanted;
    if (!passed) log(`FAILED: expected no errors and responses from at least ${wanted} instances.`);
    if (options.hold) {
      log(`Holding the deployment up: curl ${endpoint.url}   (Ctrl-C to tear down)`);
      // Only a signal ends the hold; the entry point tears down and exits.
      await new Promise<void>(() => undefined);
    }
    return passed ? ExitCode.OK : ExitCode.CHECKS_FAILED;
  } finally {
    await session.tearDown(deployment);
  }
}
