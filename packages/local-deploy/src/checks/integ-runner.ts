import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileAssetPackaging } from '@aws-cdk/cloud-assembly-schema';
import { DeployAssertion, inlineFunctions, readDeployAssertions } from './deploy-assertions';
import { CallResult, httpCall, internetClient, rewriteUrls, sdkCall } from './local-api-calls';
import { CloudAssembly, StackArtifact } from '../assembly/cloud-assembly';
import { constructVersionWarnings } from '../assembly/construct-versions';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { LocalDeployment } from '../deploy/deployment';
import { ExitCode, LocalDeployError } from '../errors';
import { mismatch } from './expected-result';
import { Attempt, waitForAssertion } from './wait-for-assertion';
import { mapStack } from '../model/map-stack';
import { Topology } from '../model/topology';

/** Options of {@link runIntegTests}. */
export interface IntegRunOptions {
  readonly log: (line: string) => void;
  /** Checks the machine and brings a topology up. */
  readonly deploy: (topology: Topology) => Promise<LocalDeployment>;
  readonly tearDown: (deployment: LocalDeployment) => Promise<void>;
  readonly healthCheckTimeScale: number;
}

/** One integ test case: the stack it deploys and the stack of its assertions. */
interface TestCase {
  readonly file: string;
  readonly name: string;
  readonly stack: StackArtifact;
  readonly assertions: StackArtifact;
}

/** How often an assertion is retried while it does not match (integ-tests' waitForAssertions). */
const RETRY_INTERVAL_MS = 1000;
/** How long assertions may wait beyond the time the balancer needs to mark every target healthy. */
const EXTRA_WAIT_MS = 30_000;

/**
 * For each `integ.*.ts` of a folder: deploys its test stack locally, runs the assertions of its
 * DeployAssert stack against the local deployment (retrying each until it matches or the time is
 * up, as `waitForAssertions` does), reports each one, and tears the deployment down.
 */
export async function runIntegTests(dir: string, options: IntegRunOptions): Promise<number> {
  const files = fs.readdirSync(dir).filter(f => /^integ\..+\.ts$/.test(f) && !f.endsWith('.d.ts')).sort();
  if (files.length === 0) throw new LocalDeployError(`No integ.*.ts tests in ${dir}`, ExitCode.USAGE);
  const report: Array<{ test: string; assertion: string; passed: boolean }> = [];
  // The folders tests are synthesized into: removed when the run ends, whatever its outcome.
  const synthesized: string[] = [];
  try {
    for (const file of files) {
      for (const testCase of loadTestCases(dir, file, options.log, synthesized)) {
        options.log(`\n=== ${file}: ${testCase.name} (stack ${testCase.stack.stackName})`);
        const results = await runTestCase(testCase, options);
        report.push(...results.map(r => ({ test: `${file} ${testCase.name}`, ...r })));
      }
    }
  } finally {
    for (const out of synthesized) fs.rmSync(out, { recursive: true, force: true });
  }
  const failed = report.filter(r => !r.passed);
  options.log(`\nintegration tests: ${report.length - failed.length}/${report.length} assertions passed`);
  for (const r of report) options.log(`  ${r.passed ? 'PASS' : 'FAIL'}  ${r.test}  ${r.assertion}`);
  return failed.length === 0 ? ExitCode.OK : ExitCode.CHECKS_FAILED;
}

async function runTestCase(testCase: TestCase, options: IntegRunOptions): Promise<Array<{ assertion: string; passed: boolean }>> {
  for (const warning of constructVersionWarnings(testCase.stack)) options.log(warning);
  const topology = mapStack(testCase.stack);
  const deployment = await options.deploy(topology);
  const results: Array<{ assertion: string; passed: boolean }> = [];
  try {
    const resolver = new IntrinsicResolver({
      region: topology.region,
      accountId: '123456789012',
      stackName: testCase.assertions.stackName,
      // Resources of the assertion stack are named after their logical ids.
      ref: id => id,
      getAtt: (id, attribute) => `${id}.${attribute}`,
      importValue: name => topology.exports[name],
    });
    const assertions = readDeployAssertions(testCase.assertions.template, resolver);
    const functions = inlineFunctions(testCase.assertions.template, resolver)
      .map(f => ({ ...f, environment: rewriteUrls(f.environment, loopbackEndpoints(deployment)) as Record<string, string> }));
    const deadline = Date.now() + deployment.healthyWithinMs + EXTRA_WAIT_MS;
    for (const a of assertions) {
      const label = describe(a);
      const outcome = await runAssertion(a, deployment, functions, deadline);
      options.log(`${outcome.passed ? 'PASS' : 'FAIL'}  ${label} (${outcome.attempts} attempt${outcome.attempts > 1 ? 's' : ''})`);
      if (outcome.detail) options.log(outcome.detail.split('\n').map(l => `      ${l}`).join('\n'));
      results.push({ assertion: label, passed: outcome.passed });
    }
  } finally {
    await options.tearDown(deployment);
  }
  return results;
}

function runAssertion(a: DeployAssertion, deployment: LocalDeployment, functions: ReturnType<typeof inlineFunctions>, deadline: number) {
  const parameters = rewriteUrls(a.parameters, loopbackEndpoints(deployment)) as Record<string, unknown>;
  return waitForAssertion(async (): Promise<Attempt> => {
    const result: CallResult = a.kind === 'http'
      ? await httpCall(String(parameters.url), internetClient(deployment))
      : await sdkCall(a.service!, a.api!, parameters, deployment, functions);
    if ('unsupported' in result) return { verdict: 'fail', detail: `not run locally: ${result.unsupported}` };
    if ('error' in result) return { verdict: 'fail', detail: result.error };
    const found = a.expected === undefined ? undefined : mismatch(a.expected, result.response);
    return found === undefined
      ? { verdict: 'pass', detail: `response: ${JSON.stringify(result.response).slice(0, 300)}` }
      : { verdict: 'retry', detail: `the response does not match (!! marks each mismatch):\n${found}` };
  }, deadline, RETRY_INTERVAL_MS);
}

/**
 * The published endpoints URLs are rewritten to: none when the calls run on the Internet side
 * (a deployment with an internet-facing balancer), where Elastic IPs are reached as they are.
 */
function loopbackEndpoints(deployment: LocalDeployment) {
  return deployment.hasInternetFacingBalancers ? [] : deployment.endpoints;
}

function describe(a: DeployAssertion): string {
  if (a.kind === 'http') return `httpApiCall GET ${a.parameters.url}`;
  if (a.service === 'Lambda' && a.api === 'invoke') return `invokeFunction ${a.parameters.FunctionName}`;
  return `awsApiCall ${a.service}.${a.api}`;
}

/**
 * The test cases of one integ test, from its snapshot. A test without a snapshot (a project that
 * does not commit them) is synthesized, and so is one whose snapshot lacks the asset folders a local
 * deployment needs (integ-runner may leave them out).
 */
function loadTestCases(dir: string, file: string, log: (line: string) => void, synthesized: string[]): TestCase[] {
  const snapshot = path.join(dir, `${file}.snapshot`);
  let assemblyDir = snapshot;
  if (!fs.existsSync(path.join(snapshot, 'integ.json'))) {
    log(`${file}: no snapshot (${snapshot}); synthesizing the test`);
    assemblyDir = synthesize(dir, file, synthesized);
  } else {
    const testStacks = Object.values(CloudAssembly.readIntegManifest(snapshot).testCases).flatMap(c => c.stacks);
    const snapshotAssembly = CloudAssembly.read(snapshot);
    const missing = testStacks.flatMap(s => snapshotAssembly.stack(s).assets)
      .filter(a => a.packaging === FileAssetPackaging.ZIP_DIRECTORY && !fs.existsSync(a.sourcePath));
    if (missing.length > 0) {
      log(`${file}: the snapshot has no folder for ${missing.length} asset(s) (${missing.map(a => path.basename(a.sourcePath)).join(', ')}); synthesizing the test`);
      assemblyDir = synthesize(dir, file, synthesized);
    }
  }
  const manifest = CloudAssembly.readIntegManifest(assemblyDir);
  const assembly = CloudAssembly.read(assemblyDir);
  return Object.entries(manifest.testCases).map(([name, c]) => {
    if (c.stacks.length !== 1) throw new LocalDeployError(`${file} ${name}: the local deploy runs test cases of exactly one stack`, ExitCode.UNSUPPORTED_RESOURCES);
    // The stack name first: `assertionStack` is the construct path, which is the artifact id only
    // for a stack at the top of the app (an IntegTest's own DeployAssert stack is nested in it).
    const assertionStack = c.assertionStackName ?? c.assertionStack;
    if (!assertionStack) throw new LocalDeployError(`${file} ${name}: the test case has no assertion stack`, ExitCode.USAGE);
    return { file, name, stack: assembly.stack(c.stacks[0]), assertions: assembly.stack(assertionStack) };
  });
}

/**
 * Synthesizes an integ test into a fresh folder, as integ-runner does: `node -r ts-node/register
 * <test>` with CDK_OUTDIR, from the folder above the tests, with the tests' own tsconfig.json when
 * they have one. ts-node is the project's own: it is looked up from the tests' folder.
 */
function synthesize(dir: string, file: string, synthesized: string[]): string {
  let tsNode: string;
  try {
    tsNode = require.resolve('ts-node/register', { paths: [path.resolve(dir)] });
  } catch {
    throw new LocalDeployError(`${file} has no snapshot to deploy, and synthesizing it needs ts-node in your project, which ${path.resolve(dir)} `
      + 'cannot find: install it (npm install -D ts-node typescript), or write the snapshots with integ-runner '
      + `(npx integ-runner --dry-run --update-on-failed) so that ${file}.snapshot/ exists.`, ExitCode.USAGE);
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `nlb-tiers-${file.replace(/\.ts$/, '')}-`));
  synthesized.push(out);
  const tsconfig = path.resolve(dir, 'tsconfig.json');
  const r = spawnSync(process.execPath, ['-r', tsNode, path.resolve(dir, file)], {
    cwd: path.dirname(path.resolve(dir)),
    env: { ...process.env, CDK_OUTDIR: out, ...(fs.existsSync(tsconfig) ? { TS_NODE_PROJECT: tsconfig } : {}) },
    encoding: 'utf-8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new LocalDeployError(`Synthesizing ${file} failed:\n${(r.stderr || r.error?.message || '').trim()}`, ExitCode.USAGE);
  if (!fs.existsSync(path.join(out, 'integ.json'))) {
    throw new LocalDeployError(`Synthesizing ${file} wrote no integ.json into ${out}: an integ test defines an IntegTest of @aws-cdk/integ-tests-alpha `
      + 'and calls app.synth()', ExitCode.USAGE);
  }
  return out;
}
