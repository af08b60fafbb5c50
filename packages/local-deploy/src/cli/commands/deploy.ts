import { parseUpdateRequest } from './update';
import { CloudAssembly } from '../../assembly/cloud-assembly';
import { sendRequests } from '../../checks/http-requests';
import { LocalDeployment } from '../../deploy/deployment';
import { collectLogs, describeLogCollection } from '../../deploy/log-collection';
import { updateDeployment } from '../../deploy/update';
import { ExitCode } from '../../errors';
import { CommandSocketServer } from '../../runtime/command-socket';
import { InternetClient } from '../../runtime/http-client';
import { ParsedArgs } from '../args';
import { deployStack, waitUntilHealthy } from '../deploy-stack';
import { describeFailure } from '../describe';
import { Session } from '../session';

/**
 * `deploy <cdk.out> <stack>`: brings the stack up, waits for healthy targets, sends the requests
 * through the first published web server (or internet-facing load balancer) and tears everything down (after SIGINT/SIGTERM with `--hold`).
 */
export async function deployCommand({ operands: [assemblyDir, stackName], options }: ParsedArgs, session: Session): Promise<ExitCode> {
  const { log } = session;
  const { topology, deployment } = await deployStack(session, assemblyDir, stackName, options);
  try {
    if (!(await waitUntilHealthy(deployment, log))) return ExitCode.CHECKS_FAILED;
    const target = requestTarget(deployment);
    if (!target) {
      log('The stack has no web server with an Elastic IP and no internet-facing load balancer: nothing to send requests to.');
      return ExitCode.CHECKS_FAILED;
    }
    log(`All targets healthy. Sending ${options.requests} requests to ${target.description}:`);
    const summary = await sendRequests(target.url, options.requests, 5000, r =>
      log(`  #${String(r.index).padStart(3, '0')} ${r.status ?? '---'} ${r.error && r.status !== 200 ? `${r.error} ` : ''}${r.body.slice(0, 120)} (${r.elapsedMs} ms)`),
    target.client);
    const targets = topology.balancers.flatMap(b => b.listeners).flatMap(l => l.targetGroup.targets).length;
    const wanted = Math.min(2, targets);
    log(`Summary: ${summary.results.length - summary.errors}/${summary.results.length} succeeded, ${summary.errors} errors, ` +
      `${summary.instanceIds.length} distinct instance ids: ${summary.instanceIds.join(', ') || '(none)'}`);
    const requestsPassed = summary.errors === 0 && summary.instanceIds.length >= wanted;
    if (!requestsPassed) log(`FAILED: expected no errors and responses from at least ${wanted} instances.`);
    // What each host's CloudWatch agent would have shipped by now.
    const logs = collectLogs(deployment);
    for (const line of describeLogCollection(logs)) log(line);
    const passed = requestsPassed && logs.problems.length === 0;
    if (options.hold) {
      // `update` from another process asks this one, which owns the deployment, to apply a new template.
      const commands = new CommandSocketServer(deployment.names.commandSocket, async (request, reply) => {
        const both = (line: string) => {
          log(line);
          reply(line);
        };
        try {
          const { assembly, stack } = parseUpdateRequest(request);
          log(`Update of deployment ${deployment.names.id} to ${stack} of ${assembly}:`);
          return await updateDeployment(deployment, CloudAssembly.read(assembly).stack(stack), both);
        } catch (e) {
          const failure = describeFailure(e);
          both(failure.message);
          return failure.exitCode;
        }
      }, ExitCode.USAGE);
      await commands.listen();
      log(`Holding the deployment up: ${target.curl}   (Ctrl-C to tear down; nlb-tiers-local update ${deployment.names.id} <cdk.out> <stack> applies a new template)`);
      // Only a signal ends the hold; the entry point tears down and exits.
      await new Promise<void>(() => undefined);
    }
    return passed ? ExitCode.OK : ExitCode.CHECKS_FAILED;
  } finally {
    await session.tearDown(deployment);
  }
}

/** Where `deploy` sends its requests, and how a user reaches the same place with curl. */
interface RequestTarget {
  readonly url: string;
  readonly description: string;
  readonly curl: string;
  readonly client?: InternetClient;
}

/**
 * The first published web server (an Elastic IP, on 127.0.0.1), or else the first internet-facing
 * load balancer's site, reached from the Internet namespace and trusting the deployment's CA.
 */
function requestTarget(deployment: LocalDeployment): RequestTarget | undefined {
  const endpoint = deployment.endpoints[0];
  if (endpoint) return { url: endpoint.url, description: `${endpoint.url} (Elastic IP ${endpoint.elasticIp})`, curl: `curl ${endpoint.url}` };
  const site = deployment.sites[0];
  if (!site) return undefined;
  const cacert = site.client.caFile ? ` --cacert ${site.client.caFile}` : '';
  return {
    url: site.url,
    description: `${site.url} (load balancer ${site.balancer} at ${site.publicAddress}, from the Internet namespace${site.client.caFile ? ', trusting the local CA' : ''})`,
    curl: `ip netns exec ${site.client.namespace} curl${cacert} ${site.url}`,
    client: site.client,
  };
}
