import * as fs from 'fs';
import { CloudAssembly } from '../../assembly/cloud-assembly';
import { renderProvisioningBench, runProvisioningBench } from '../../bench/provisioning';
import { ExitCode } from '../../errors';
import { mapStack } from '../../model/map-stack';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/**
 * `bench-provisioning <cdk.out before> <cdk.out after> <stack>`: deploys the stack from each
 * assembly in turns, `--rounds` times, and reports what provisioning each app host cost (CPU and
 * wall seconds of its steps) and the time to serving. Both are mapped and the machine checked first.
 */
export async function benchProvisioningCommand({ operands: [beforeDir, afterDir, stack], options, argv }: ParsedArgs,
  session: Session): Promise<ExitCode> {
  const map = (dir: string) => mapStack(CloudAssembly.read(dir).stack(stack), { desiredCapacity: options.desiredCapacity });
  const before = map(beforeDir);
  const after = map(afterDir);
  session.preflight([before, after]);
  const results = await runProvisioningBench({
    before,
    after,
    beforeAssembly: beforeDir,
    afterAssembly: afterDir,
    rounds: options.rounds,
    command: `nlb-tiers-local ${argv.join(' ')}`,
  }, {
    log: session.log,
    deploy: topology => session.deploy(topology, { publishPort: 0, healthCheckTimeScale: options.healthCheckTimeScale }),
    tearDown: deployment => session.tearDown(deployment),
  });
  const report = renderProvisioningBench(results);
  if (options.output) {
    fs.writeFileSync(options.output, report);
    session.log(`Wrote ${options.output}`);
  } else {
    session.log(report);
  }
  return ExitCode.OK;
}
