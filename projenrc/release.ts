import * as path from 'path';
import { awscdk, github, ReleasableCommits, typescript, Version } from 'projen';

const NODE_VERSION = '20';
const PUBLIB = 'publib@0';
const CHECKOUT = 'actions/checkout@v5';
const SETUP_NODE = 'actions/setup-node@v5';
const SETUP_JAVA = { uses: 'actions/setup-java@v5', with: { 'distribution': 'corretto', 'java-version': '17' } };
const SETUP_DOTNET = { uses: 'actions/setup-dotnet@v5', with: { 'dotnet-version': '8.x' } };
const SETUP_GO = { uses: 'actions/setup-go@v6', with: { 'go-version': '^1.23.0' } };
const UPLOAD = 'actions/upload-artifact@v5';
const DOWNLOAD = 'actions/download-artifact@v5';
const ARTIFACT = 'dist';
const CONVENTIONAL_FEATURE_OR_FIX = '^(feat|fix){1}(\\([^()[:space:]]+\\))?(!)?:[[:blank:]]+.+';

/**
 * One release train for the jsii libraries and the tools (`@nlb-tiers/local-deploy`, npm only), and its workflow.
 *
 * A tool is released at the libraries' version: the release build tests it (its end-to-end test
 * installs the packed tarballs) with the constructs of that version, and it warns about an
 * assembly synthesized with another.
 *
 * The four libraries share one version and are released together: each requires the exact
 * version of the siblings it builds on (peer `0.4.0`, not `^0.4.0`), because they share internals
 * (`@nlb-tiers/core/helpers-internal`) that no semver range can promise across versions.
 *
 * The version comes from the Conventional Commits (`fix:` patch, `feat:` minor, `feat!:` or
 * `BREAKING CHANGE:` major) that touched a library's folder since the last `v<version>` tag: the
 * root `bump` task (projen's), which writes `dist/version.txt`, `dist/changelog.md` and
 * `dist/releasetag.txt`. The root `release` task then stamps that version into every library's
 * package.json and its siblings' peer dependencies (scripts/stamp-release-version.mjs), runs the
 * root build on the stamped manifests, packages Java, .NET and Go (the workflow has their
 * toolchains), collects every library's artifacts in `dist/`, restores the manifests and fails if
 * the build changed a committed file.
 *
 * `.github/workflows/release.yml` runs it on every push to main, then publishes `dist/` to npm,
 * PyPI, Maven Central, NuGet and the Go module repository and creates the GitHub release and tag,
 * unless the version is already tagged (no releasable commit) or main moved on meanwhile.
 */
export function addReleaseWorkflow(root: typescript.TypeScriptProject, libraries: awscdk.AwsCdkConstructLibrary[],
  tools: typescript.TypeScriptProject[] = []) {
  const libraryDirs = libraries.map(l => path.relative(root.outdir, l.outdir));
  // The tools (npm only) ride the same train: one version, tested with the constructs of that version.
  const dirs = [...libraryDirs, ...tools.map(t => path.relative(root.outdir, t.outdir))];
  const artifacts = ARTIFACT;

  const version = new Version(root, {
    versionInputFile: 'package.json',
    artifactsDirectory: artifacts,
    // Commits that touch a library or a tool count; the example app and the build do not.
    releasableCommits: ReleasableCommits.exec(
      `git log --no-merges --oneline $LATEST_TAG..HEAD -E --grep '${CONVENTIONAL_FEATURE_OR_FIX}' -- ${dirs.join(' ')}`,
    ),
  });

  const stamp = `node scripts/stamp-release-version.mjs "$(cat ${artifacts}/version.txt)" ${dirs.join(' ')}`;
  const release = root.addTask('release', {
    description: 'Bump the train\'s version from conventional commits, stamp it into the libraries, build, package every language into dist/, restore the manifests',
    env: { RELEASE: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  });
  release.exec(`rm -fr ${artifacts}`);
  release.spawn(version.bumpTask);
  release.exec(stamp);
  // The root build without its first step (projen's synthesis), which would regenerate the
  // stamped manifests.
  for (const step of [root.preCompileTask, root.compileTask, root.postCompileTask, root.testTask]) {
    release.spawn(step);
  }
  // The build made the npm tarballs, the Python dists and the Go sources; here the toolchains
  // build the rest, in one jsii-pacmak run.
  release.exec(`jsii-pacmak ${libraryDirs.join(' ')} --target java --target dotnet --target go`);
  // One dist/ for the publishing jobs: js/, python/, java/, dotnet/ and go/ of every library, and
  // the tools' npm tarballs (js/, the root build's \`package\` of each tool).
  for (const dir of dirs) release.exec(`cp -r ${dir}/dist/. ${artifacts}/`);
  release.spawn(version.unbumpTask);
  release.exec(`git checkout -- ${dirs.map(d => `${d}/package.json`).join(' ')}`);
  // Fails if the build changed a committed file (API.md, snapshots).
  release.exec('git diff --ignore-space-at-eol --exit-code');

  const workflow = new github.GithubWorkflow(root.github!, 'release', { limitConcurrency: true });
  workflow.on({ push: { branches: ['main'] }, workflowDispatch: {} });

  workflow.addJob('release', {
    name: 'Release the libraries',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    env: { CI: 'true' },
    outputs: {
      tag_exists: { stepId: 'tag', outputName: 'exists' },
      latest_commit: { stepId: 'remote', outputName: 'latest_commit' },
    },
    steps: [
      { name: 'Checkout', uses: CHECKOUT, with: { 'fetch-depth': 0 } },
      { uses: SETUP_NODE, with: { 'node-version': NODE_VERSION } },
      SETUP_JAVA,
      SETUP_DOTNET,
      SETUP_GO,
      {
        name: 'Install Debian\'s Python packaging tools',
        run: 'sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-build python3-setuptools python3-wheel python3-venv twine',
      },
      { name: 'Install dependencies', run: 'npm ci' },
      // As root, through sudo: the build's local deployments (end-to-end tests, integ:local) and
      // its preflight need root, and under CI a suite that cannot run fails. Root's git must trust
      // the runner's checkout.
      {
        name: 'Release',
        run: 'sudo git config --global --add safe.directory "$PWD" && sudo -E env "PATH=$PATH" npx projen release',
      },
      {
        name: 'Check if the version is already tagged',
        id: 'tag',
        run: `echo "exists=$(git ls-remote --tags origin "refs/tags/$(cat ${artifacts}/releasetag.txt)" | grep -q . && echo true || echo false)" >> $GITHUB_OUTPUT`,
      },
      {
        name: 'Check for new commits',
        id: 'remote',
        run: 'echo "latest_commit=$(git ls-remote origin -h ${{ github.ref }} | cut -f1)" >> $GITHUB_OUTPUT',
      },
      { uses: UPLOAD, with: { name: ARTIFACT, path: artifacts, overwrite: true } },
    ],
  });

  const publishIf = 'needs.release.outputs.tag_exists != \'true\' && needs.release.outputs.latest_commit == github.sha';
  const publish = (registry: string, setup: github.workflows.JobStep[], run: string, env: Record<string, string>) => {
    workflow.addJob(`publish_${registry}`, {
      name: `Publish the libraries (${registry})`,
      runsOn: ['ubuntu-latest'],
      needs: ['release'],
      if: publishIf,
      permissions: { contents: registry === 'github' ? github.workflows.JobPermission.WRITE : github.workflows.JobPermission.READ },
      steps: [
        { uses: SETUP_NODE, with: { 'node-version': NODE_VERSION } },
        ...setup,
        { uses: DOWNLOAD, with: { name: ARTIFACT, path: 'dist' } },
        { name: 'Publish', run, env },
      ],
    });
  };
  publish('npm', [], `npx -p ${PUBLIB} publib-npm`, {
    NPM_DIST_TAG: 'latest',
    NPM_REGISTRY: 'registry.npmjs.org',
    NPM_TOKEN: '${{ secrets.NPM_TOKEN }}',
  });
  publish('pypi', [
    { uses: 'actions/setup-python@v6', with: { 'python-version': '3.x' } },
    { run: 'pip install twine' },
  ], `npx -p ${PUBLIB} publib-pypi`, {
    TWINE_USERNAME: '__token__',
    TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}',
  });
  publish('maven', [SETUP_JAVA], `npx -p ${PUBLIB} publib-maven`, {
    MAVEN_ENDPOINT: 'https://central.sonatype.com',
    MAVEN_SERVER_ID: 'central-ossrh',
    MAVEN_GPG_PRIVATE_KEY: '${{ secrets.MAVEN_GPG_PRIVATE_KEY }}',
    MAVEN_GPG_PRIVATE_KEY_PASSPHRASE: '${{ secrets.MAVEN_GPG_PRIVATE_KEY_PASSPHRASE }}',
    MAVEN_USERNAME: '${{ secrets.MAVEN_USERNAME }}',
    MAVEN_PASSWORD: '${{ secrets.MAVEN_PASSWORD }}',
  });
  publish('nuget', [SETUP_DOTNET], `npx -p ${PUBLIB} publib-nuget`, {
    NUGET_API_KEY: '${{ secrets.NUGET_API_KEY }}',
  });
  publish('golang', [SETUP_GO], `npx -p ${PUBLIB} publib-golang`, {
    GITHUB_TOKEN: '${{ secrets.GO_GITHUB_TOKEN }}',
    GIT_USER_NAME: 'github-actions',
    GIT_USER_EMAIL: 'github-actions@github.com',
    GIT_BRANCH: 'main',
  });
  publish('github', [],
    'gh release create "$(cat dist/releasetag.txt)" -R "$GITHUB_REPOSITORY" -F dist/changelog.md -t "$(cat dist/releasetag.txt)" --target "$GITHUB_SHA"',
    { GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
}
