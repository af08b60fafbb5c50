import { Task, javascript, typescript } from 'projen';
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
}

/**
 * Adds `packages/local-deploy` (the `nlb-tiers-local` command-line tool, not jsii) and the root
 * tasks that run the architecture on this machine:
 *
 * - `deploy:local`: synthesizes the example app, deploys it locally, sends a bounded number of
 *   requests through the web server, prints them and tears everything down (`--hold` keeps it up).
 * - `integ:local`: deploys each integration test's snapshot locally and runs its own assertions.
 * - `bench:local`: measures the local deployment (the numbers quoted in docs/local-deploy.md).
 */
export function addLocalDeploy(root: typescript.TypeScriptProject, options: LocalDeployOptions): typescript.TypeScriptProject {
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
    licensed: false,
    github: false,
    release: false,
    package: false,
    depsUpgrade: false,
    bin: { 'nlb-tiers-local': 'lib/cli.js' },
    jest: true,
    jestOptions: {
      jestConfig: {
        // The end-to-end tests start whole deployments one after the other.
        testTimeout: 240_000,
        maxWorkers: 1,
      },
    },
    tsconfig: { compilerOptions: { lib: ['es2022'], target: 'ES2022' } },
  });
  configureWorkspacePackage(project);
  project.package.addField('private', true);
  // Fixtures are synthesized cloud assemblies; the tests read them, nobody edits them.
  project.gitattributes.addAttributes('/test/fixtures/**', 'linguist-generated');

  const exampleDir = options.exampleApp.outdir.replace(`${root.outdir}/`, '');
  const toolDir = project.outdir.replace(`${root.outdir}/`, '');
  const cli = `node ${toolDir}/lib/cli.js`;

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
  integLocal.exec(`${cli} integ ${integDir}`, { receiveArgs: true });

  // The build proves each integration test's own assertions on a local deployment, where it can:
  // deployments need root (CI runs as root); elsewhere the step says why it is skipped.
  root.testTask.exec(`[ "$(id -u)" != 0 ] && echo "integ:local skipped: deploying locally needs root" || ${cli} integ ${integDir}`);

  const benchLocal = root.addTask('bench:local', {
    description: 'Measure the local deployment of the example app: start-up, latency, throughput, failover (numbers for docs/local-deploy.md)',
    receiveArgs: true,
  });
  benchLocal.spawn(synthExample);
  benchLocal.exec(`${cli} bench ${exampleDir}/cdk.out ${options.exampleStackName} --requests 300 --concurrency 4`, { receiveArgs: true });

  return project;
}
