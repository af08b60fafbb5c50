import * as path from 'path';
import { awscdk, javascript, Project } from 'projen';

/** Versions every package of the monorepo shares: one copy of each in the tree. */
export const NLB_TIERS = {
  scope: '@nlb-tiers',
  repositoryUrl: 'https://github.com/nlb-tiers/nlb-tiers.git',
  author: 'nlb-tiers maintainers',
  authorAddress: 'maintainers@nlb-tiers.dev',
  // cdk-nag 3 needs aws-cdk-lib >= 2.257.0; @aws-cdk/integ-tests-alpha 2.245.0-alpha.0 accepts it.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  cdkCliVersion: '2.1115.1',
  cdkNagVersion: '3.0.2',
  jsiiVersion: '~6.0.0',
  // Reads the root node_modules through scripts/docgen.mjs (it cannot find hoisted assemblies itself).
  jsiiDocgenVersion: '^10.12.6',
  typescriptVersion: '~6.0.0',
  tsNodeVersion: '10.9.2',
  minNodeVersion: '20.0.0',
};

/**
 * Makes a package a member of the npm workspace: installs happen once, at the root.
 * A package-level `npm ci` would wipe the hoisted node_modules in the middle of a synth.
 */
export function configureWorkspacePackage(project: javascript.NodeProject) {
  for (const name of ['install', 'install:ci']) {
    project.tasks.tryFind(name)?.reset();
  }
}

export interface JsiiLibraryOptions {
  /** Folder under packages/, also the unscoped package name. */
  readonly dir: string;
  readonly description: string;
  readonly keywords: string[];
  /** Sibling jsii libraries this one builds on (peer dependencies, as jsii requires). */
  readonly siblings?: awscdk.AwsCdkConstructLibrary[];
}

/** The names of a package in each language jsii publishes to. */
export function publishingNames(dir: string) {
  const words = dir.split('-');
  const joined = words.join('');
  return {
    /** PyPI distribution and Python module. */
    pypi: { distName: `nlb-tiers.${dir}`, module: `nlb_tiers.${words.join('_')}` },
    /** Maven Central coordinates and Java package. */
    maven: { mavenGroupId: 'dev.nlbtiers', mavenArtifactId: dir, javaPackage: `dev.nlbtiers.${joined}` },
    /** NuGet package and .NET namespace. */
    nuget: {
      packageId: `NlbTiers.${words.map(w => w[0].toUpperCase() + w.slice(1)).join('')}`,
      dotNetNamespace: `NlbTiers.${words.map(w => w[0].toUpperCase() + w.slice(1)).join('')}`,
    },
    /** Go module `github.com/nlb-tiers/nlb-tiers-go/<packageName>`. */
    go: { moduleName: 'github.com/nlb-tiers/nlb-tiers-go', packageName: joined },
  };
}

/** One publishable jsii construct library under packages/. */
export function jsiiLibrary(root: Project, options: JsiiLibraryOptions): awscdk.AwsCdkConstructLibrary {
  const names = publishingNames(options.dir);
  const lib = new awscdk.AwsCdkConstructLibrary({
    parent: root,
    outdir: `packages/${options.dir}`,
    name: `${NLB_TIERS.scope}/${options.dir}`,
    description: options.description,
    keywords: ['aws-cdk', 'cdk', 'nlb-tiers', ...options.keywords],
    author: NLB_TIERS.author,
    authorAddress: NLB_TIERS.authorAddress,
    repositoryUrl: NLB_TIERS.repositoryUrl,
    repositoryDirectory: `packages/${options.dir}`,
    defaultReleaseBranch: 'main',
    license: 'Apache-2.0',
    cdkVersion: NLB_TIERS.cdkVersion,
    constructsVersion: NLB_TIERS.constructsVersion,
    jsiiVersion: NLB_TIERS.jsiiVersion,
    typescriptVersion: NLB_TIERS.typescriptVersion,
    minNodeVersion: NLB_TIERS.minNodeVersion,
    packageManager: javascript.NodePackageManager.NPM,
    peerDeps: (options.siblings ?? []).map(s => `${s.package.packageName}@*`),
    github: false,
    release: false,
    // API.md is written by scripts/docgen.mjs instead (see configureDocsAndPackaging).
    docgen: false,
    sampleCode: false,
    stability: 'experimental',
    publishToPypi: names.pypi,
    publishToMaven: names.maven,
    publishToNuget: names.nuget,
    publishToGo: names.go,
  });
  configureWorkspacePackage(lib);
  // jsii 6 warns loudly on Node 20, which is what the build machines run.
  lib.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
  configureDocsAndPackaging(lib);
  return lib;
}

/**
 * The build of a jsii library on its own (`cd packages/<name> && npx projen build`), after `jsii`
 * compiles it. The root build runs the same steps once for all four libraries instead
 * (`libraries:docgen`, `libraries:rosetta`, `libraries:package` in .projenrc.ts).
 *
 * - `docgen`: API.md from the assembly (fails under CI when the committed file is stale).
 * - `rosetta:extract`: compiles every TypeScript example of the README (and doc comments) in
 *   strict mode, with the fixtures of `rosetta/`; a sample that does not compile fails the build.
 *   The tablet it writes translates the examples for the other languages.
 * - `package`: the npm tarball, the Python sdist and wheel (built with Debian's tools and checked
 *   by twine) and the Go sources. Java and .NET, and the stock Python and Go packaging
 *   (`package-all`), need registries this build does not rely on: the release workflow runs them.
 */
function configureDocsAndPackaging(lib: awscdk.AwsCdkConstructLibrary) {
  const scripts = path.relative(lib.outdir, path.join(lib.root.outdir, 'scripts'));
  lib.addDevDeps(`jsii-docgen@${NLB_TIERS.jsiiDocgenVersion}`);

  const docgen = lib.addTask('docgen', {
    description: 'Generate API.md from the jsii assembly',
    exec: `node ${scripts}/docgen.mjs`,
  });
  const rosetta = lib.addTask('rosetta:extract', {
    description: 'Compile the README\'s and doc comments\' examples (strict) and write the translation tablet',
    // --directory: compile against the workspace's node_modules, instead of an npm install of the dependencies.
    exec: 'jsii-rosetta extract --strict --directory .',
  });
  lib.postCompileTask.spawn(docgen);
  lib.postCompileTask.spawn(rosetta);
  lib.gitignore.exclude('.jsii.tabl.json');

  const offline = lib.addTask('package:offline', {
    description: 'Python sdist and wheel (Debian\'s python3-build, checked by twine) and Go sources, without PyPI or the Go proxy',
    exec: `bash ${scripts}/package-offline.sh`,
  });
  lib.packageTask.reset();
  lib.packageTask.spawn(lib.tasks.tryFind('package:js')!);
  lib.packageTask.spawn(offline);
}


/**
 * The feature flags the pinned aws-cdk-lib recommends, written into cdk.json so that templates
 * do not change when the library is upgraded until the flags are reviewed.
 */
export function recommendedFeatureFlags(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api');
  return { ...CURRENTLY_RECOMMENDED_FLAGS };
}
