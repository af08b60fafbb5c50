import { awscdk, javascript, typescript } from 'projen';
import { addReadmeExamplesCheck } from './projenrc/docs';
import { addIntegTests } from './projenrc/integ';
import { addLocalDeploy } from './projenrc/local-deploy';
import { addReleaseWorkflow } from './projenrc/release';
import { NLB_TIERS, configureWorkspacePackage, jsiiLibrary, recommendedFeatureFlags } from './projenrc/workspace';

const root = new typescript.TypeScriptProject({
  name: 'nlb-tiers',
  description: 'AWS CDK construct libraries that put an internal Network Load Balancer between a web tier and an app tier',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: NLB_TIERS.minNodeVersion,
  typescriptVersion: NLB_TIERS.typescriptVersion,
  sampleCode: false,
  disableTsconfigDev: true,
  eslint: false,
  jest: false,
  package: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  licensed: true,
  license: 'Apache-2.0',
  srcdir: 'integ',
  libdir: '.integ-build',
  devDeps: [
    `aws-cdk-lib@${NLB_TIERS.cdkVersion}`,
    `constructs@${NLB_TIERS.constructsVersion}`,
    `ts-node@${NLB_TIERS.tsNodeVersion}`,
  ],
  tsconfig: {
    include: ['integ/**/*.ts', 'projenrc/**/*.ts', '.projenrc.ts'],
    compilerOptions: { rootDir: '.', noEmit: true },
  },
});
root.gitignore.exclude('cdk.out', '.integ-build', '*.tsbuildinfo');

const core = jsiiLibrary(root, {
  dir: 'core',
  description: 'Shared building blocks of the nlb-tiers constructs: SSM provisioning, instance defaults and validation',
  keywords: ['ssm', 'state-manager', 'ec2'],
});

// Core's internals reach its siblings through one named entry point, never a file path (as
// aws-cdk-lib's core/lib/helpers-internal). `exports` serves Node and jest; `typesVersions` serves
// TypeScript and jsii, whose node10 module resolution ignores `exports`.
core.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './helpers-internal': { types: './lib/helpers-internal/index.d.ts', default: './lib/helpers-internal/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});
core.package.addField('typesVersions', { '*': { 'helpers-internal': ['lib/helpers-internal/index.d.ts'] } });

const tier = jsiiLibrary(root, {
  dir: 'internal-nlb-tier',
  description: 'An internal Network Load Balancer with security groups that fronts a uwsgi app tier',
  keywords: ['nlb', 'network-load-balancer', 'uwsgi'],
  siblings: [core],
});

const web = jsiiLibrary(root, {
  dir: 'apache-uwsgi-web-server',
  description: 'An Apache httpd web server on EC2 that proxies to a uwsgi upstream, provisioned by SSM State Manager',
  keywords: ['apache', 'httpd', 'uwsgi', 'ec2', 'ssm'],
  siblings: [core],
});

const fleet = jsiiLibrary(root, {
  dir: 'flask-uwsgi-app-fleet',
  description: 'An Auto Scaling group of Flask apps served by uWSGI, provisioned by an Ansible playbook through SSM State Manager',
  keywords: ['flask', 'uwsgi', 'autoscaling', 'ansible', 'ssm'],
  siblings: [core],
});
// The playbook's tests read it as YAML.
fleet.addDevDeps('yaml@^2');

const exampleApp = new awscdk.AwsCdkTypeScriptApp({
  parent: root,
  outdir: 'packages/example-app',
  name: '@nlb-tiers/example-app',
  description: 'The reference architecture: Apache web tier, internal NLB, Flask/uWSGI app tier',
  defaultReleaseBranch: 'main',
  cdkVersion: NLB_TIERS.cdkVersion,
  constructsVersion: NLB_TIERS.constructsVersion,
  cdkCliVersion: NLB_TIERS.cdkCliVersion,
  typescriptVersion: NLB_TIERS.typescriptVersion,
  minNodeVersion: NLB_TIERS.minNodeVersion,
  packageManager: javascript.NodePackageManager.NPM,
  requireApproval: awscdk.ApprovalLevel.NEVER,
  context: recommendedFeatureFlags(),
  sampleCode: false,
  licensed: false,
  github: false,
  deps: [core, tier, web, fleet].map(p => `${p.package.packageName}@*`),
  devDeps: [`cdk-nag@${NLB_TIERS.cdkNagVersion}`],
});
configureWorkspacePackage(exampleApp);
// Type definitions are hoisted to the root node_modules of the workspace.
exampleApp.tsconfig?.file.addDeletionOverride('compilerOptions.typeRoots');
exampleApp.package.addField('private', true);

// A CDK app of this repository synthesizes against the libraries' compiled lib/: compile those
// whose sources are newer than their jsii assembly (all of them in a fresh clone).
const compileLibraries = root.addTask('compile:libraries', {
  description: 'Compile the construct libraries that changed since their last compile, in dependency order',
});
for (const lib of [core, tier, web, fleet]) {
  compileLibraries.exec('[ -f .jsii ] && [ -z "$(find src assets -newer .jsii 2>/dev/null | head -n 1)" ] || npx projen compile', {
    cwd: lib.outdir.replace(`${root.outdir}/`, ''),
  });
}

const localDeploy = addLocalDeploy(root, { exampleApp, exampleStackName: 'NlbTiersReferenceArchitecture', prepare: compileLibraries });

const packages = [core, tier, web, fleet, exampleApp, localDeploy];

// npm workspaces: one install at the root, siblings linked, one copy of aws-cdk-lib and constructs.
root.package.addField('workspaces', packages.map(p => p.outdir.replace(`${root.outdir}/`, '')));

// The root build builds every package in dependency order, then checks the integration snapshots.
const buildPackages = root.addTask('build:packages', {
  description: 'Build every package in dependency order',
});
for (const p of packages) {
  buildPackages.exec('npx projen build', { cwd: p.outdir.replace(`${root.outdir}/`, '') });
}
root.compileTask.reset();
root.compileTask.exec('tsc --noEmit -p tsconfig.json');
root.postCompileTask.spawn(buildPackages);

// Integration tests of integ/: snapshots verified offline by the root build, deployed on demand.
addIntegTests(root);

// The root README's examples compile against the built packages.
addReadmeExamplesCheck(root);

// Independent versions per library, released from main by .github/workflows/release.yml.
addReleaseWorkflow(root, [
  { project: core },
  { project: tier, siblings: [core] },
  { project: web, siblings: [core] },
  { project: fleet, siblings: [core] },
]);

root.synth();
