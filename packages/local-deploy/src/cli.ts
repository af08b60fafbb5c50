#!/usr/bin/env node
import * as os from 'os';
import { CloudAssembly } from './assembly/cloud-assembly';
import { benchmark, recordBenchmark } from './checks/benchmark';
import { sendRequests } from './checks/http-requests';
import { runIntegTests } from './checks/integ-runner';
import { describeTopology } from './describe';
import { ExitCode, LocalDeployError } from './errors';
import { mapStack } from './model/map-stack';
import { Topology } from './model/topology';
import { cleanupStaleDeployments, LocalDeployment } from './runtime/deployment';
import { checkMachine, ensurePackages, probeKernel, requiredPackages } from './runtime/preflight';

const USAGE = `Usage:
  nlb-tiers-local deploy <cdk.out> <stack> [options]   deploy, send requests, tear down
  nlb-tiers-local plan <cdk.out> <stack>               show what would run (no root needed)
  nlb-tiers-local integ <integ folder> [options]       deploy each integ.*.ts snapshot and run its assertions
  nlb-tiers-local bench <cdk.out> <stack> [options]    measure latency, throughput and failover time
  nlb-tiers-local clean                                remove what interrupted runs left behind

Options:
  --requests <n>                  requests sent through the web server (default 20)
  --hold                          keep the deployment up until Ctrl-C (or SIGTERM)
  --publish-port <port>           127.0.0.1 port of the web server (default 8080; 0 picks a free one)
  --health-check-time-scale <x>   multiply health check intervals and timeouts by x (default 0.1)
  --concurrency <n>               bench: concurrent requests of the throughput run (default 4)
  --output <file>                 bench: append the results to this file, one JSON line per run`;

interface Options {
  readonly requests: number;
  readonly concurrency: number;
  readonly output?: string;
  readonly hold: boolean;
  readonly publishPort: number;
  readonly healthCheckTimeScale: number;
}

function parseArgs(argv: string[]): { positional: string[]; options: Options } {
  const positional: string[] = [];
  const options: { -readonly [K in keyof Options]: Options[K] } = {
    requests: 20, concurrency: 4, hold: false, publishPort: 8080, healthCheckTimeScale: 0.1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new LocalDeployError(`${a} needs a non-negative number, got "${argv[i]}"`, ExitCode.USAGE);
      return v;
    };
    if (a === '--hold') options.hold = true;
    else if (a === '--requests') options.requests = Math.min(value(), 10_000);
    else if (a === '--publish-port') options.publishPort = value();
    else if (a === '--concurrency') options.concurrency = Math.max(1, Math.min(value(), 64));
    else if (a === '--output') options.output = argv[++i];
    else if (a === '--health-check-time-scale') options.healthCheckTimeScale = value() || 0.1;
    else if (a === '--help' || a === '-h') throw new LocalDeployError(USAGE, ExitCode.OK);
    else if (a.startsWith('--')) throw new LocalDeployError(`Unknown option ${a}\n${USAGE}`, ExitCode.USAGE);
    else positional.push(a);
  }
  return { positional, options };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Brings a topology up after every check passed; the returned deployment is torn down on signals. */
async function prepareAndDeploy(topology: Topology, options: Options,
  onDeployment: (d: LocalDeployment) => void): Promise<LocalDeployment> {
  const packages = requiredPackages(topology);
  checkMachine(packages);
  ensurePackages(packages, log);
  probeKernel();
  const stale = cleanupStaleDeployments();
  if (stale.length > 0) log(`Removed what interrupted runs left behind: ${stale.join(', ')}`);
  const { publishPort, healthCheckTimeScale } = options;
  return LocalDeployment.up(topology, { publishPort, healthCheckTimeScale, log }, onDeployment);
}

async function deploy(assemblyDir: string, stackName: string, options: Options, track: (d: LocalDeployment) => void): Promise<number> {
  const stack = CloudAssembly.read(assemblyDir).stack(stackName);
  const topology = mapStack(stack);
  log(describeTopology(topology, options.healthCheckTimeScale));
  const started = Date.now();
  const deployment = await prepareAndDeploy(topology, options, track);
  try {
    log(`Up in ${((Date.now() - started) / 1000).toFixed(1)}s. Waiting for the balancer's health checks...`);
    const healthyWithin = deployment.healthyWithinMs + 10_000;
    if (!(await deployment.waitForHealthyTargets(healthyWithin))) {
      log(`Not every target became healthy within ${healthyWithin / 1000}s: ${JSON.stringify(deployment.targetHealth())}`);
      return ExitCode.CHECKS_FAILED;
    }
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
      await new Promise<void>(() => undefined);
    }
    return passed ? ExitCode.OK : ExitCode.CHECKS_FAILED;
  } finally {
    await tearDown(deployment);
  }
}

async function bench(assemblyDir: string, stackName: string, options: Options, track: (d: LocalDeployment) => void): Promise<number> {
  const topology = mapStack(CloudAssembly.read(assemblyDir).stack(stackName));
  const started = Date.now();
  const deployment = await prepareAndDeploy(topology, { ...options, publishPort: 0 }, track);
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
    await tearDown(deployment);
  }
}

async function tearDown(deployment: LocalDeployment) {
  const started = Date.now();
  await deployment.down();
  log(`Torn down in ${((Date.now() - started) / 1000).toFixed(1)}s: no namespace, process or rule of deployment ${deployment.names.id} is left.`);
}

async function main(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv);
  const [command, ...rest] = positional;
  const live = new Set<LocalDeployment>();
  const track = (d: LocalDeployment) => live.add(d);
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`\n${signal}: tearing down`);
      void Promise.all([...live].map(d => tearDown(d))).finally(() => process.exit(ExitCode.INTERRUPTED));
    });
  }
  switch (command) {
    case 'deploy':
      if (rest.length !== 2) throw new LocalDeployError(`deploy needs <cdk.out> and <stack>\n${USAGE}`, ExitCode.USAGE);
      return deploy(rest[0], rest[1], options, track);
    case 'plan': {
      if (rest.length !== 2) throw new LocalDeployError(`plan needs <cdk.out> and <stack>\n${USAGE}`, ExitCode.USAGE);
      log(describeTopology(mapStack(CloudAssembly.read(rest[0]).stack(rest[1])), options.healthCheckTimeScale));
      return ExitCode.OK;
    }
    case 'integ':
      if (rest.length !== 1) throw new LocalDeployError(`integ needs the folder of the integ.*.ts tests\n${USAGE}`, ExitCode.USAGE);
      return runIntegTests(rest[0], {
        log,
        deploy: topology => prepareAndDeploy(topology, { ...options, publishPort: 0 }, track),
        tearDown: async d => {
          await tearDown(d);
          live.delete(d);
        },
        healthCheckTimeScale: options.healthCheckTimeScale,
      });
    case 'bench': {
      if (rest.length !== 2) throw new LocalDeployError(`bench needs <cdk.out> and <stack>\n${USAGE}`, ExitCode.USAGE);
      return bench(rest[0], rest[1], options, track);
    }
    case 'clean': {
      checkMachine([]);
      const stale = cleanupStaleDeployments();
      log(stale.length > 0 ? `Removed: ${stale.join(', ')}` : 'Nothing to clean.');
      return ExitCode.OK;
    }
    default:
      throw new LocalDeployError(USAGE, command ? ExitCode.USAGE : ExitCode.OK);
  }
}

main(process.argv.slice(2)).then(code => process.exit(code), (e: unknown) => {
  if (e instanceof LocalDeployError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(ExitCode.DEPLOY_FAILED);
});
