import { javascript, typescript } from 'projen';

/** Versions of the integration test toolchain. */
export const INTEG_TOOLCHAIN = {
  // The newest integ-tests-alpha; its peer range (aws-cdk-lib ^2.245.0) accepts the tree's aws-cdk-lib.
  integTestsAlphaVersion: '2.245.0-alpha.0',
  // Synthesizes and compares snapshots offline; bundles the aws-cdk CLI of the same release train.
  integRunnerVersion: '2.197.10',
};

/** Options of {@link addIntegTests}. */
export interface IntegTestsOptions {
  /** The folder of the `integ.*.ts` tests, relative to the root. @default 'integ' */
  readonly directory?: string;
}

/**
 * Adds the integration tests of the `integ/` folder to the root project.
 *
 * - `integ`: synthesizes every `integ.*.ts` and compares it with its committed snapshot
 *   (`integ.<name>.ts.snapshot/`). Offline, no AWS credentials. A step of the root build, once
 *   the libraries are compiled.
 * - `integ:update`: rewrites the snapshots of the tests whose synthesis changed, without deploying.
 * - `integ:deploy`: deploys each test to AWS, runs its assertions and destroys it (needs credentials
 *   and a bootstrapped account); updates the snapshots of the tests that pass.
 *
 * The tests import the packages' compiled `lib/`, so they are type-checked with their own
 * `integ/tsconfig.json` at the start of each task, after the libraries are compiled, rather than
 * by the root compile, which runs before them. That check done, ts-node only transpiles them
 * (`TS_NODE_TRANSPILE_ONLY`): integ-runner's synthesis does not type-check them a second time.
 */
export function addIntegTests(root: typescript.TypeScriptProject, options: IntegTestsOptions = {}) {
  const dir = options.directory ?? 'integ';

  root.addDevDeps(
    `@aws-cdk/integ-tests-alpha@${INTEG_TOOLCHAIN.integTestsAlphaVersion}`,
    `@aws-cdk/integ-runner@${INTEG_TOOLCHAIN.integRunnerVersion}`,
  );

  // The root compile runs before the packages are built: leave the tests to their own tsconfig.
  root.tsconfig?.addExclude(`${dir}/**`);
  new javascript.TypescriptConfig(root, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    include: ['**/*.ts'],
    exclude: ['**/*.snapshot/**', 'node_modules'],
    compilerOptions: {},
  });

  const runner = `integ-runner --directory ${dir} --language typescript`;
  const env = { TS_NODE_TRANSPILE_ONLY: 'true' };
  const integ = root.addTask('integ', {
    description: 'Verify the integration test snapshots (offline, no AWS credentials)',
    receiveArgs: true,
    env,
  });
  integ.exec(`tsc --noEmit -p ${dir}/tsconfig.json`);
  integ.exec(runner, { receiveArgs: true });

  const update = root.addTask('integ:update', {
    description: 'Rewrite the snapshots of the integration tests whose synthesis changed, without deploying',
    receiveArgs: true,
    env,
  });
  update.exec(`tsc --noEmit -p ${dir}/tsconfig.json`);
  update.exec(`${runner} --dry-run --update-on-failed`, { receiveArgs: true });

  const deploy = root.addTask('integ:deploy', {
    description: 'Deploy every integration test to AWS, run its assertions, destroy it (needs AWS credentials)',
    receiveArgs: true,
    env,
  });
  deploy.exec(`tsc --noEmit -p ${dir}/tsconfig.json`);
  deploy.exec(`${runner} --update-on-failed --force --parallel-regions \${AWS_REGION:-us-east-1}`, { receiveArgs: true });

  for (const ignored of ['cdk.out', 'cdk-integ.out.*', 'cdk.context.json']) {
    root.gitignore.addPatterns(`/${dir}/**/${ignored}`);
  }
  return { integ, update, deploy };
}
