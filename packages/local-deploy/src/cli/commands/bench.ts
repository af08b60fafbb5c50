import * as fs from 'fs';
import { CloudAssembly } from '../../assembly/cloud-assembly';
import { runBench } from '../../bench/compare';
import { renderBenchmarks } from '../../bench/report';
import { WRK_PACKAGE } from '../../bench/wrk';
import { ExitCode } from '../../errors';
import { mapStack } from '../../model/map-stack';
import { Topology } from '../../model/topology';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/**
 * `bench <cdk.out> <stack A> <stack B>`: loads A, B (and the floor, and the HTTPS web fleet) in turns on the same local
 * topology, kills a uWSGI of each under load, times the deploys of the other stacks, and writes the
 * report. Every stack is mapped and the machine checked for all of them before anything runs.
 */
export async function benchCommand({ operands: [assemblyDir, stackA, stackB], options, argv }: ParsedArgs, session: Session): Promise<ExitCode> {
  const assembly = CloudAssembly.read(assemblyDir);
  const optional = [options.floorStack, options.httpsStack, options.httpFleetStack, ...options.scaleStacks, options.scaleInStack]
    .filter((s): s is string => !!s);
  const names = [...new Set([stackA, stackB, ...optional])];
  const topologies = new Map<string, Topology>(names.map(name => [name, mapStack(assembly.stack(name))]));
  session.preflight([...topologies.values()], [WRK_PACKAGE]);
  const results = await runBench({
    stackA,
    stackB,
    floorStack: options.floorStack,
    httpsStack: options.httpsStack,
    httpFleetStack: options.httpFleetStack,
    scaleStacks: options.scaleStacks,
    scaleInStack: options.scaleInStack,
    topologies,
    concurrencies: options.concurrencies,
    rounds: options.rounds,
    durationSeconds: options.durationSeconds,
    failoverConcurrency: options.failoverConcurrency,
    healthCheckTimeScale: options.healthCheckTimeScale,
    synthAppDir: options.synthApp,
    command: `nlb-tiers-local ${argv.join(' ')}`,
  }, {
    log: session.log,
    deploy: topology => session.deploy(topology, { publishPort: 0, healthCheckTimeScale: options.healthCheckTimeScale }),
    tearDown: deployment => session.tearDown(deployment),
  });
  const report = renderBenchmarks(results);
  if (options.output) {
    fs.writeFileSync(options.output, report);
    session.log(`Wrote ${options.output}`);
  } else {
    session.log(report);
  }
  return ExitCode.OK;
}
