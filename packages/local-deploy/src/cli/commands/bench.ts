import * as os from 'os';
import { CloudAssembly } from '../../assembly/cloud-assembly';
import { benchmark, recordBenchmark } from '../../checks/benchmark';
import { ExitCode } from '../../errors';
import { mapStack } from '../../model/map-stack';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/** `bench <cdk.out> <stack>`: start-up time, latency, throughput and failover time of a deployment. */
export async function benchCommand({ operands: [assemblyDir, stackName], options }: ParsedArgs, session: Session): Promise<ExitCode> {
  const { log } = session;
  const topology = mapStack(CloudAssembly.read(assemblyDir).stack(stackName), { desiredCapacity: options.desiredCapacity });
  const started = Date.now();
  const deployment = await session.deploy(topology, { ...options, publishPort: 0 });
  try {
    const upSeconds = (Date.now() - started) / 1000;
    if (!(await deployment.waitForHealthyTargets(deployment.healthyWithinMs + 10_000))) {
      log('Not every target became healthy: nothing to measure.');
      return ExitCode.CHECKS_FAILED;
    }
    const healthySeconds = (Date.now() - started) / 1000 - upSeconds;
    const result = await benchmark(deployment, upSeconds, healthySeconds, { requests: options.requests, concurrency: options.concurrency });
    const downStarted = Date.now();
    await deployment.down();
    const downSeconds = (Date.now() - downStarted) / 1000;
    log(JSON.stringify({ ...result, downSeconds }, null, 2));
    if (options.output) {
      const context = { stack: stackName, downSeconds, healthCheckTimeScale: options.healthCheckTimeScale, cpus: os.cpus().length };
      recordBenchmark(options.output, result, context);
    }
    return ExitCode.OK;
  } finally {
    await session.tearDown(deployment);
  }
}
