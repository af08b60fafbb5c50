import * as path from 'path';
import { awscdk, javascript, Project, typescript } from 'projen';
import { BuildGraph, BuildJob } from './projenrc/build-graph';
import { addReadmeExamplesCheck } from './projenrc/docs';
import { addIntegTests } from './projenrc/integ';
import { addLocalDeploy } from './projenrc/local-deploy';
import { addReleaseWorkflow } from './projenrc/release';
import { NLB_TIERS, configureWorkspacePackage, jsiiLibrary, recommendedFeatureFlags } from './projenrc/workspace';

const root = new typescript.TypeScriptProject({
  name: 'nlb-tiers',
  description: 'AWS CDK construct libraries that put an internal Network Load Balancer between a web tier and an app tier',
  defaultReleaseBranch: 'main',
  // The release changelog links its commits and versions.
  repository: NLB_TIERS.repositoryUrl,
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: NLB_TIERS.minNodeVersion,
  typescriptVersion: NLB_TIERS.typescriptVersion,
  sampleCode: false,
  disableTsconfigDev: true,
  // The root's own code, linted with the packages' rules: the projen configuration, the
  // integration tests and the build scripts (ES modules, run by plain node).
  eslint: true,
  eslintOptions: { dirs: ['projenrc', 'integ', 'scripts'], fileExtensions: ['.ts', '.mjs'] },
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
// Everything linted at the root is development code: the integ tests and the build scripts may
// use the root's devDependencies.
root.eslint!.allowDevDeps('integ/**');
root.eslint!.allowDevDeps('scripts/**');
// .projenrc.ts is in the root tsconfig already; projen's default would also give it a default project.
root.tryFindObjectFile('.eslintrc.json')!.addOverride('parserOptions.projectService', true);
// The scripts are ES modules run by plain node: a tsconfig of their own gives eslint their types.
new javascript.TypescriptConfig(root, {
  fileName: 'scripts/tsconfig.json',
  include: ['*.mjs'],
  compilerOptions: {
    allowJs: true,
    noEmit: true,
    module: 'node16',
    moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
    target: 'ES2022',
    lib: ['es2022'],
    types: ['node'],
  },
});

const core = jsiiLibrary(root, {
  dir: 'core',
  description: 'Shared building blocks of the nlb-tiers constructs: SSM provisioning, instance defaults and validation',
  keywords: ['ssm', 'state-manager', 'ec2'],
});

// Core's internals reach its siblings through one named entry point, never a file path (as
// aws-cdk-lib's core/lib/helpers-internal); deep imports of lib/ fail. `./package.json` and `./.jsii`
// stay reachable for jsii, jsii-pacmak, jsii-rosetta and jsii-docgen. `exports` alone is enough for
// every resolver here: jsii 6 compiles with `module: node16`, ts-jest with the packages' tsconfig
// (node16), and TypeScript 6 resolves `module: commonjs` (the root, integ/) as `bundler`; all read
// `exports`. Only the deprecated node10 resolution would need `typesVersions`, and it is not used.
core.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './helpers-internal': { types: './lib/helpers-internal/index.d.ts', default: './lib/helpers-internal/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

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
// The web fleet's tests run cdk-nag over it.
web.addDevDeps(`cdk-nag@${NLB_TIERS.cdkNagVersion}`);
// The playbook's tests read it as YAML.
fleet.addDevDeps('yaml@^2');
// The integ tests build on the libraries: npm links the workspace packages.
root.addDevDeps(...[core, tier, web, fleet].map(p => `${p.package.packageName}@*`));
// scripts/docgen.mjs writes the libraries' API.md.
root.addDevDeps(`jsii-docgen@${NLB_TIERS.jsiiDocgenVersion}`);

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

const libraries = [core, tier, web, fleet];
const dirOf = (p: Project) => path.relative(root.outdir, p.outdir);

// A CDK app of this repository synthesizes against the libraries' compiled lib/: compile those
// whose sources are newer than their jsii assembly (all of them in a fresh clone).
const compileLibraries = root.addTask('compile:libraries', {
  description: 'Compile the construct libraries that changed since their last compile, in dependency order',
});
for (const lib of libraries) {
  compileLibraries.exec('[ -f .jsii ] && [ -z "$(find src assets -newer .jsii 2>/dev/null | head -n 1)" ] || npx projen compile', {
    cwd: dirOf(lib),
  });
}

const localDeploy = addLocalDeploy(root, {
  exampleApp,
  exampleStackName: 'NlbTiersReferenceArchitecture',
  prepare: compileLibraries,
  constructLibraries: libraries,
  // The end-to-end sweep of ports deploys this app, and every example of the README.
  fixtureApps: {
    'ports': 'packages/example-app/src/ports/ports-app.ts',
    // One stack at three versions of its app, for `update` of a held deployment.
    'app-version-1': 'packages/example-app/src/app-versions/version-1.ts',
    'app-version-2': 'packages/example-app/src/app-versions/version-2.ts',
    'app-version-3-unavailable-requirement': 'packages/example-app/src/app-versions/version-3-unavailable-requirement.ts',
  },
});

const packages = [...libraries, exampleApp, localDeploy.project];

// npm workspaces: one install at the root, siblings linked, one copy of aws-cdk-lib and constructs.
root.package.addField('workspaces', packages.map(dirOf));

// What the libraries share in the root build, run once for all four instead of once per package.
const jsiiEnv = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
const assemblies = libraries.map(l => `${dirOf(l)}/.jsii`).join(' ');
const rosetta = root.addTask('libraries:rosetta', {
  description: 'Compile the examples of every library README (strict) and write their translation tablets, in one jsii-rosetta run',
  env: jsiiEnv,
  // --directory: compile against the workspace's node_modules. One run shares one TypeScript
  // compiler's parsed aws-cdk-lib between the examples of all four libraries.
  exec: `jsii-rosetta extract --strict --directory . ${assemblies}`,
});
const docgen = root.addTask('libraries:docgen', {
  description: 'Write every library\'s API.md (under CI, fail if a committed one is stale), in one jsii-docgen run',
  exec: `node scripts/docgen.mjs ${libraries.map(dirOf).join(' ')}`,
});
const packageLibraries = root.addTask('libraries:package', {
  description: 'Package every library: npm tarballs, then Python dists and Go sources, one jsii-pacmak run each',
  env: jsiiEnv,
});
packageLibraries.exec(`jsii-pacmak ${libraries.map(dirOf).join(' ')} --target js`);
packageLibraries.exec(`bash scripts/package-offline.sh ${libraries.map(dirOf).join(' ')}`);

// Integration tests of integ/: snapshots verified offline by the root build, deployed on demand.
const integ = addIntegTests(root);

// The root README's examples compile against the built packages.
const readmeExamples = addReadmeExamplesCheck(root);

// The release scripts' own tests.
const scriptTests = root.addTask('test:scripts', {
  description: 'Unit tests of scripts/ (node\'s test runner)',
  exec: 'node --test scripts/',
});

// The root build: every step of every package in one graph, run side by side as the cores allow;
// then, alone, the checks that deploy on this machine.
const graph = new BuildGraph(root);
const compileJob = new Map<Project, BuildJob>();
for (const lib of libraries) {
  const needs = lib === core ? [] : [compileJob.get(core)!];
  compileJob.set(lib, graph.add({ name: `${dirOf(lib).replace('packages/', '')}:compile`, project: lib, task: lib.compileTask, needs }));
}
const allCompiled = libraries.map(l => compileJob.get(l)!);
const toolCompiled = graph.add({ name: 'local-deploy:compile', project: localDeploy.project, task: localDeploy.project.compileTask });
// apt-get waits on the network and disk more than on the cores: start it early.
const preflightJob = graph.add({ name: 'local-deploy:preflight', project: localDeploy.project, task: localDeploy.preflight, needs: [toolCompiled] });
const rosettaJob = graph.add({ name: 'libraries:rosetta', project: root, task: rosetta, needs: allCompiled });
graph.add({ name: 'libraries:docgen', project: root, task: docgen, needs: allCompiled });
graph.add({ name: 'libraries:package', project: root, task: packageLibraries, needs: [rosettaJob] });
const fixturesJob = graph.add({ name: 'local-deploy:fixtures', project: root, task: localDeploy.fixtures, needs: allCompiled });
graph.add({ name: 'example-app:test', project: exampleApp, task: exampleApp.testTask, needs: allCompiled });
graph.add({ name: 'integ', project: root, task: integ.integ, needs: allCompiled });
for (const lib of libraries) {
  const name = dirOf(lib).replace('packages/', '');
  // jest and eslint read the siblings' compiled lib/, not the package's own.
  const siblingsCompiled = lib === core ? [] : [compileJob.get(core)!];
  // The fleet's tests run its default app with Debian's Flask.
  const needs = lib === fleet ? [...siblingsCompiled, preflightJob] : siblingsCompiled;
  graph.add({ name: `${name}:test`, project: lib, task: lib.testTask, needs });
}
graph.add({ name: 'local-deploy:test', project: localDeploy.project, task: localDeploy.project.testTask, needs: [fixturesJob, preflightJob] });
graph.add({ name: 'local-deploy:examples', project: localDeploy.project, task: localDeploy.examples, needs: [...allCompiled, toolCompiled] });
// The npm tarball of the tool, which the end-to-end test installs with the libraries' (libraries:package).
graph.add({ name: 'local-deploy:package', project: localDeploy.project, task: localDeploy.project.packageTask, needs: [toolCompiled] });
graph.add({ name: 'readme:examples', project: root, task: readmeExamples, needs: allCompiled });
// The integ tests' types come from the compiled libraries.
graph.add({ name: 'root:eslint', project: root, task: root.eslint!.eslintTask, needs: allCompiled });
graph.add({ name: 'test:scripts', project: root, task: scriptTests });

root.compileTask.reset('tsc --noEmit -p tsconfig.json');
root.postCompileTask.reset(graph.command);
root.testTask.reset();
root.testTask.spawn(localDeploy.rootChecks);

// One version for the four libraries and the local-deploy tool, released together from main by
// .github/workflows/release.yml.
addReleaseWorkflow(root, libraries, [localDeploy.project]);

root.synth();
