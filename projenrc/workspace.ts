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

/** One publishable jsii construct library under packages/. */
export function jsiiLibrary(root: Project, options: JsiiLibraryOptions): awscdk.AwsCdkConstructLibrary {
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
    docgen: false,
    sampleCode: false,
    stability: 'experimental',
  });
  configureWorkspacePackage(lib);
  // jsii 6 warns loudly on Node 20, which is what the build machines run.
  lib.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
  return lib;
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
