import { Task, javascript, typescript } from 'projen';
import { INTEG_TOOLCHAIN } from './integ';
import { enforceLocalDeployLayers } from './local-deploy-layers';
import { NLB_TIERS, configureWorkspacePackage } from './workspace';

/** Options of {@link addLocalDeploy}. */
export interface LocalDeployOptions {
  /** The CDK app deployed by `deploy:local`. */
  readonly exampleApp: javascript.NodeProject;
  /** The stack of the example app that `deploy:local` deploys. */
  readonly exampleStackName: string;
  /** The folder of the `integ.*.ts` tests, relative to the root. @default 'integ' */
  readonly integDirectory?: string;
  /** What must run before an app of this repository can be synthesized (compiling the libraries). */
  readonly prepare: Task;
  /**
   * Markdown files whose TypeScript examples the end-to-end tests deploy (fixtures `readme.<stack>`).
   * @default ['README.md']
   */
  readonly readmes?: string[];
  /** More CDK apps for the end-to-end tests: fixture name -> the app's file, relative to the root. */
  readonly fixtureApps?: Record<string, string>;
  /** The construct libraries: the README's app of a user (examples/my-app) is type-checked against them. */
  readonly constructLibraries: javascript.NodeProject[];
}

/** What {@link addLocalDeploy} adds. */
export interface LocalDeploy {
  /** `packages/local-deploy`. */
  readonly project: typescript.TypeScriptProject;
  /** Root task: the example app synthesized and the integ tests' assemblies, as the tool's test fixtures. */
  readonly fixtures: Task;
  /** Root task: as root, the tool's end-to-end tests, then `integ:local`. */
  readonly rootChecks: Task;
  /** Package task: installs the Debian packages the tests and local deployments need (root). */
  readonly preflight: Task;
  /** Package task: type-checks the README's app of a user (examples/my-app), which the end-to-end test runs from the packed tarballs. */
  readonly examples: Task;
}

/**
 * The revision whose fleet playbook `bench:provisioning` compares the current one with: the
 * playbook that deploys each file with its own `copy` and `file` tasks, and reloads or restarts the
 * app through handlers. It deploys the same files as the current one: the benchmark runs it with
 * the current assembly's files (an older playbook that deploys fewer of them cannot start the app).
 */
const PROVISIONING_BASELINE = '7c2eaf1';

/**
 * Adds `packages/local-deploy` (the `nlb-tiers-local` command-line tool, not jsii) and the root
 * tasks that run the architecture on this machine:
 *
 * - `deploy:local`: synthesizes the example app, deploys it locally, sends a bounded number of
 *   requests through the web server, prints them and tears everything down (`--hold` keeps it up).
 * - `integ:local`: deploys each integration test's snapshot locally and runs its own assertions.
 * - `fixtures`: writes the cloud assemblies the tool's tests read (test/fixtures/, not committed)
 *   from the current constructs, so that they cannot go stale: the example app, the integ tests,
 *   the README's examples and the other apps of `fixtureApps`.
 * - `local:root-checks`: the tool's end-to-end tests (`test:e2e` of the package: namespaces,
 *   nftables, Apache, uWSGI; they need root), then `integ:local` when root. Deployments must not
 *   overlap (the tests compare the machine's namespaces before and after) nor share the cores
 *   with the rest of the build (they measure failover times), so the root build runs this task
 *   once, alone, after every other step.
 * - `bench`: the tool's `bench` command: compares the article's configuration with the constructs'
 *   defaults and the floor (one host, no load balancer), times deploys and their CPU, and writes
 *   docs/benchmarks.md (the numbers quoted in docs/local-deploy.md).
 * - `bench:provisioning`: the tool's `bench-provisioning` command: the example app's defaults with
 *   the fleet's playbook of an earlier revision and with the current one, deployed in turns; writes
 *   docs/provisioning-cost.md.
 */
export function addLocalDeploy(root: typescript.TypeScriptProject, options: LocalDeployOptions): LocalDeploy {
  const integDir = options.integDirectory ?? 'integ';
  const project = new typescript.TypeScriptProject({
    parent: root,
    outdir: 'packages/local-deploy',
    name: `${NLB_TIERS.scope}/local-deploy`,
    description: 'Deploys a cloud assembly built with the nlb-tiers constructs onto this Linux machine, with network namespaces',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    typescriptVersion: NLB_TIERS.typescriptVersion,
    minNodeVersion: NLB_TIERS.minNodeVersion,
    sampleCode: false,
    license: 'Apache-2.0',
    authorName: NLB_TIERS.author,
    authorEmail: NLB_TIERS.authorAddress,
    repository: NLB_TIERS.repositoryUrl,
    repositoryDirectory: 'packages/local-deploy',
    keywords: ['aws-cdk', 'cdk', 'nlb-tiers', 'local', 'integ-tests', 'network-namespaces'],
    github: false,
    // Released by the root's release train, with the libraries, at their version.
    release: false,
    depsUpgrade: false,
    bin: { 'nlb-tiers-local': 'lib/cli/main.js' },
    // The programmatic API (src/index.ts).
    entrypoint: 'lib/index.js',
    // The cloud assembly's own types; the range aws-cdk-lib asks for, so the tree keeps one copy.
    // aws-cdk-lib: the matchers of `assertions`, which integ assertions are evaluated with.
    deps: ['@aws-cdk/cloud-assembly-schema@^53.25.0', `aws-cdk-lib@^${NLB_TIERS.cdkVersion}`, `constructs@^${NLB_TIERS.constructsVersion}`],
    // The tests encode expected results with the library the integ tests use.
    devDeps: [`@aws-cdk/integ-tests-alpha@${INTEG_TOOLCHAIN.integTestsAlphaVersion}`],
    jest: true,
    jestOptions: {
      jestConfig: {
        // The end-to-end tests run on their own (test:e2e).
        testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      },
    },
    tsconfig: { compilerOptions: { lib: ['es2022'], target: 'ES2022' } },
  });
  configureWorkspacePackage(project);
  enforceLocalDeployLayers(project);
  // What the compiled tool reads at run time besides its JavaScript (src/paths.ts): the hosts' image
  // layer and the AWS documents, copied next to it so that the npm package carries them (src/ is
  // not packed, and npm drops symbolic links: -L copies what they point to).
  const copies = ['provisioning/shims', 'model/aws-documents'].map(d =>
    `fs.rmSync('lib/${d}',{recursive:true,force:true});fs.cpSync('src/${d}','lib/${d}',{recursive:true,dereference:true});`);
  project.compileTask.exec(`node -e "const fs=require('fs');${copies.join('')}"`);
  // The README's "Use it in your own app" is examples/my-app, type-checked against the built
  // packages, and run by test/e2e/published.e2e.test.ts from the packed tarballs.
  project.addDevDeps(...options.constructLibraries.map(l => `${l.package.packageName}@*`));
  project.addPackageIgnore('/examples/');
  const examples = project.addTask('examples:compile', {
    description: 'Type-check examples/my-app (the README\'s app of a user) against the compiled libraries and tool',
    exec: 'tsc --noEmit -p examples/my-app/tsconfig.json',
  });
  // The end-to-end tests start whole deployments one after the other.
  const e2e = project.addTask('test:e2e', {
    description: 'End-to-end tests: real deployments of the fixtures on this machine (need root on Linux; they say so and skip otherwise)',
    exec: 'jest --testPathIgnorePatterns /node_modules/ --coverage=false --maxWorkers=1 --testTimeout=900000 test/e2e',
  });
  // Tests that need Debian packages (Flask, wrk, Apache, uWSGI, Ansible) fail under CI when they are
  // missing, so the build installs them first. Outside CI, a build that is not root skips this and
  // those tests, saying so; under CI the tool itself fails, as it must not be skipped.
  const preflight = project.addTask('preflight', {
    description: 'Install the Debian packages that the tests and local deployments need (root; `nlb-tiers-local preflight --install-packages`)',
    exec: '[ "$(id -u)" != 0 ] && [ -z "${CI:-}" ] && echo "preflight skipped: installing Debian packages needs root" || node lib/cli/main.js preflight --install-packages',
  });
  // Fixtures are cloud assemblies synthesized by the root `fixtures` task; only their README is committed.
  project.gitignore.exclude('/test/fixtures/*/');
  // Python writes bytecode next to the shims it runs (tests run them from the source tree).
  project.gitignore.exclude('__pycache__/');
  // They include the README examples' sources, generated: the readme:examples task type-checks them.
  project.eslint?.addIgnorePattern('test/fixtures/');

  const exampleDir = options.exampleApp.outdir.replace(`${root.outdir}/`, '');
  const toolDir = project.outdir.replace(`${root.outdir}/`, '');
  const cli = `node ${toolDir}/lib/cli/main.js`;

  // Every local task needs the libraries and the tool compiled; deploy and bench also the example app's assembly.
  const prepareLocal = root.addTask('local:prepare', { description: 'Compile the construct libraries and the local-deploy tool' });
  prepareLocal.spawn(options.prepare);
  prepareLocal.exec('npx projen compile', { cwd: toolDir });
  const synthExample = root.addTask('local:synth-example', { description: 'Synthesize the example app for a local deployment' });
  synthExample.spawn(prepareLocal);
  synthExample.exec('npx cdk synth -q', { cwd: exampleDir });

  const deployLocal = root.addTask('deploy:local', {
    description: 'Synthesize the example app, deploy it on this machine, send requests through it, tear it down (--hold keeps it up)',
    receiveArgs: true,
  });
  deployLocal.spawn(synthExample);
  deployLocal.exec(`${cli} deploy ${exampleDir}/cdk.out ${options.exampleStackName}`, { receiveArgs: true });

  const integLocal = root.addTask('integ:local', {
    description: `Deploy every ${integDir}/integ.*.ts snapshot on this machine and run its own assertions`,
    receiveArgs: true,
  });
  integLocal.spawn(prepareLocal);
  // The values of the SSM parameters and secrets the integ tests' apps read (stored by hand on AWS).
  const secretValues = `--secret-values ${integDir}/secret-values.json`;
  integLocal.exec(`${cli} integ ${integDir} ${secretValues}`, { receiveArgs: true });

  const fixtures = root.addTask('fixtures', {
    description: `Synthesize the example app, every ${integDir}/integ.*.ts, the README's examples and the end-to-end tests' apps into ${toolDir}/test/fixtures (the tool's test fixtures)`,
  });
  fixtures.spawn(options.prepare);
  fixtures.exec('npx projen synth:silent', { cwd: exampleDir });
  const fixtureOptions = [
    ...(options.readmes ?? ['README.md']).map(f => `--readme ${f}`),
    ...Object.entries(options.fixtureApps ?? {}).map(([name, file]) => `--app ${name}=${file}`),
  ];
  fixtures.exec(`node scripts/build-fixtures.mjs ${exampleDir}/cdk.out ${integDir} ${toolDir}/test/fixtures ${fixtureOptions.join(' ')}`);

  const rootChecks = root.addTask('local:root-checks', {
    description: 'As root: the local-deploy end-to-end tests, then every integ test deployed locally with its own assertions',
    env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  rootChecks.exec(`npx projen ${e2e.name}`, { cwd: toolDir });
  // Deployments need root (CI runs as root). Outside CI the step says why it is skipped; under CI
  // the tool fails with the reason.
  rootChecks.exec(`[ "$(id -u)" != 0 ] && [ -z "\${CI:-}" ] && echo "integ:local skipped: deploying locally needs root" || ${cli} integ ${integDir} ${secretValues}`);

  // The example app's second CDK app (src/bench/bench-app.ts): the article's configuration (A), the
  // constructs' defaults (B), the floor, and the defaults with more app servers, for the deploy timings.
  options.exampleApp.gitignore.exclude('/cdk.bench.out/');
  const bench = root.addTask('bench', {
    description: 'Compare the article\'s configuration with the constructs\' defaults, the floor and the HTTPS web fleet on the same local topology (wrk, '
      + 'CPU per request, failover, deploy timings and CPU, synth time) and write docs/benchmarks.md; root, Linux',
    receiveArgs: true,
  });
  bench.spawn(prepareLocal);
  bench.exec('npx cdk synth -q --app "npx ts-node -P tsconfig.json --prefer-ts-exts src/bench/bench-app.ts" -o cdk.bench.out', { cwd: exampleDir });
  bench.exec(`${cli} bench ${exampleDir}/cdk.bench.out BenchArticle BenchDefaults --floor-stack BenchFloor --https-stack BenchHttps --http-fleet-stack BenchHttpFleet `
    + `--scale-stacks BenchScale8,BenchScale32 --scale-in-stack BenchScaleIn --synth-app ${exampleDir} --output docs/benchmarks.md`, { receiveArgs: true });

  // The same bench app, with the fleet's playbook of PROVISIONING_BASELINE in a copy of its assembly:
  // the example app's defaults deployed from each in turns, for what provisioning an app host costs.
  options.exampleApp.gitignore.exclude('/cdk.bench-baseline.out/');
  const benchProvisioning = root.addTask('bench:provisioning', {
    description: `Deploy the example app's defaults with the fleet's playbook of ${PROVISIONING_BASELINE} and with the current one, `
      + 'in turns, and write what provisioning an app host costs (CPU, time to serving) to docs/provisioning-cost.md; root, Linux',
    receiveArgs: true,
  });
  benchProvisioning.spawn(prepareLocal);
  benchProvisioning.exec('npx cdk synth -q --app "npx ts-node -P tsconfig.json --prefer-ts-exts src/bench/bench-app.ts" -o cdk.bench.out', { cwd: exampleDir });
  benchProvisioning.exec(`node scripts/assembly-with-playbook.mjs ${exampleDir}/cdk.bench.out ${PROVISIONING_BASELINE} ${exampleDir}/cdk.bench-baseline.out`);
  benchProvisioning.exec(`${cli} bench-provisioning ${exampleDir}/cdk.bench-baseline.out ${exampleDir}/cdk.bench.out BenchDefaults `
    + '--desired-capacity 1 --rounds 3 --output docs/provisioning-cost.md', { receiveArgs: true });

  return { project, fixtures, rootChecks, preflight, examples };
}
