import { awscdk, github, ReleasableCommits, typescript, Version } from 'projen';

/** One publishable library and the siblings it builds on. */
export interface ReleasedLibrary {
  readonly project: awscdk.AwsCdkConstructLibrary;
  readonly siblings?: awscdk.AwsCdkConstructLibrary[];
}

const NODE_VERSION = '20';
const PUBLIB = 'publib@0';
const CHECKOUT = 'actions/checkout@v5';
const SETUP_NODE = 'actions/setup-node@v5';
const UPLOAD = 'actions/upload-artifact@v5';
const DOWNLOAD = 'actions/download-artifact@v5';

/** The folder of a package relative to the repository root, e.g. `packages/core`. */
function dirOf(root: typescript.TypeScriptProject, p: awscdk.AwsCdkConstructLibrary): string {
  return p.outdir.replace(`${root.outdir}/`, '');
}

/** `core` for `packages/core`: job ids and tag prefixes. */
function idOf(root: typescript.TypeScriptProject, p: awscdk.AwsCdkConstructLibrary): string {
  return dirOf(root, p).replace(/^packages\//, '');
}

/**
 * Independent versions and the release workflow of the jsii libraries.
 *
 * Each library has its own version, derived from the conventional commits (`feat:`, `fix:`,
 * `feat!:`) that touched its folder since its last tag (`<dir>@v<version>`), and its own changelog.
 * Its `release` task bumps the version, builds and tests the library, packages it for every
 * language and restores the version; before it, the workflow pins the siblings the library builds
 * on to their latest released versions (scripts/pin-released-siblings.js).
 *
 * `.github/workflows/release.yml` runs on every push to main: one job per library, in
 * dependency order, then one publishing job per registry (npm, PyPI, Maven Central, NuGet, the
 * Go module repository) and a GitHub release that creates the tag. A library with no releasable
 * commit is built but not published.
 */
export function addReleaseWorkflow(root: typescript.TypeScriptProject, libraries: ReleasedLibrary[]) {
  const workflow = new github.GithubWorkflow(root.github!, 'release', { limitConcurrency: true });
  workflow.on({ push: { branches: ['main'] }, workflowDispatch: {} });

  for (const { project, siblings = [] } of libraries) {
    const dir = dirOf(root, project);
    const id = idOf(root, project);
    const version = new Version(project, {
      versionInputFile: 'package.json',
      artifactsDirectory: project.artifactsDirectory,
      tagPrefix: `${id}@`,
      // Only commits under the package's own folder count, for the bump and the changelog.
      releasableCommits: ReleasableCommits.featuresAndFixes('.'),
      versionrcOptions: { path: '.' },
    });

    const release = project.addTask('release', {
      description: 'Bump the version from conventional commits, build, package every language, restore committed files',
      env: { RELEASE: 'true' },
    });
    release.exec(`rm -fr ${project.artifactsDirectory}`);
    release.spawn(version.bumpTask);
    release.spawn(project.buildTask);
    // The build made the npm tarball, the Python dists and the Go sources; the pipeline has the
    // registries and toolchains for the rest.
    for (const target of ['java', 'dotnet', 'go']) {
      release.spawn(project.tasks.tryFind(`package:${target}`)!);
    }
    release.spawn(version.unbumpTask);
    // Fails if the build changed a committed file (API.md, snapshots); package.json holds the
    // released versions of the siblings, pinned by the workflow.
    release.exec('git diff --ignore-space-at-eol --exit-code -- . \':(exclude)package.json\'');

    const buildJob = `release_${id.replace(/-/g, '_')}`;
    const siblingJobs = siblings.map(s => `github_${idOf(root, s).replace(/-/g, '_')}`);
    workflow.addJob(buildJob, {
      name: `Release ${project.package.packageName}`,
      runsOn: ['ubuntu-latest'],
      needs: siblingJobs.length > 0 ? siblingJobs : undefined,
      // Siblings with nothing to release skip their publishing jobs: that is not a failure.
      if: siblingJobs.length > 0 ? '${{ !failure() && !cancelled() }}' : undefined,
      permissions: { contents: github.workflows.JobPermission.READ },
      env: { CI: 'true' },
      outputs: {
        tag_exists: { stepId: 'tag', outputName: 'exists' },
        latest_commit: { stepId: 'remote', outputName: 'latest_commit' },
      },
      steps: [
        { name: 'Checkout', uses: CHECKOUT, with: { 'fetch-depth': 0 } },
        { uses: SETUP_NODE, with: { 'node-version': NODE_VERSION } },
        { uses: 'actions/setup-java@v5', with: { 'distribution': 'corretto', 'java-version': '17' } },
        { uses: 'actions/setup-dotnet@v5', with: { 'dotnet-version': '8.x' } },
        { uses: 'actions/setup-go@v6', with: { 'go-version': '^1.23.0' } },
        {
          name: 'Install Debian\'s Python packaging tools',
          run: 'sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-build python3-setuptools python3-wheel python3-venv twine',
        },
        { name: 'Install dependencies', run: 'npm ci' },
        ...(siblings.length > 0 ? [{
          name: 'Require the released versions of the siblings',
          run: `node scripts/pin-released-siblings.js ${dir} ${siblings.map(s => idOf(root, s)).join(' ')}`,
        }] : []),
        // The siblings, and the libraries the README examples use, are compiled from the checkout.
        ...libraries.filter(l => l.project !== project).map(l => ({
          name: `Compile ${l.project.package.packageName}`, run: 'npx projen compile', workingDirectory: dirOf(root, l.project),
        })),
        { name: 'Release', run: 'npx projen release', workingDirectory: dir },
        {
          name: 'Check if the version is already tagged',
          id: 'tag',
          run: `echo "exists=$(git ls-remote --tags origin "refs/tags/$(cat ${dir}/dist/releasetag.txt)" | grep -q . && echo true || echo false)" >> $GITHUB_OUTPUT`,
        },
        {
          name: 'Check for new commits',
          id: 'remote',
          run: 'echo "latest_commit=$(git ls-remote origin -h ${{ github.ref }} | cut -f1)" >> $GITHUB_OUTPUT',
        },
        { uses: UPLOAD, with: { name: `dist-${id}`, path: `${dir}/dist`, overwrite: true } },
      ],
    });

    const publishIf = `needs.${buildJob}.outputs.tag_exists != 'true' && needs.${buildJob}.outputs.latest_commit == github.sha`;
    const publishJob = (name: string, setup: github.workflows.JobStep[], run: string, env: Record<string, string>) => {
      workflow.addJob(`${name}_${id.replace(/-/g, '_')}`, {
        name: `Publish ${project.package.packageName} (${name})`,
        runsOn: ['ubuntu-latest'],
        needs: [buildJob],
        if: publishIf,
        permissions: { contents: name === 'github' ? github.workflows.JobPermission.WRITE : github.workflows.JobPermission.READ },
        steps: [
          { uses: SETUP_NODE, with: { 'node-version': NODE_VERSION } },
          ...setup,
          { uses: DOWNLOAD, with: { name: `dist-${id}`, path: 'dist' } },
          { name: 'Publish', run, env },
        ],
      });
    };
    publishJob('npm', [], `npx -p ${PUBLIB} publib-npm`, {
      NPM_DIST_TAG: 'latest',
      NPM_REGISTRY: 'registry.npmjs.org',
      NPM_TOKEN: '${{ secrets.NPM_TOKEN }}',
    });
    publishJob('pypi', [
      { uses: 'actions/setup-python@v6', with: { 'python-version': '3.x' } },
      { run: 'pip install twine' },
    ], `npx -p ${PUBLIB} publib-pypi`, {
      TWINE_USERNAME: '__token__',
      TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}',
    });
    publishJob('maven', [
      { uses: 'actions/setup-java@v5', with: { 'distribution': 'corretto', 'java-version': '17' } },
    ], `npx -p ${PUBLIB} publib-maven`, {
      MAVEN_ENDPOINT: 'https://central.sonatype.com',
      MAVEN_SERVER_ID: 'central-ossrh',
      MAVEN_GPG_PRIVATE_KEY: '${{ secrets.MAVEN_GPG_PRIVATE_KEY }}',
      MAVEN_GPG_PRIVATE_KEY_PASSPHRASE: '${{ secrets.MAVEN_GPG_PRIVATE_KEY_PASSPHRASE }}',
      MAVEN_USERNAME: '${{ secrets.MAVEN_USERNAME }}',
      MAVEN_PASSWORD: '${{ secrets.MAVEN_PASSWORD }}',
    });
    publishJob('nuget', [
      { uses: 'actions/setup-dotnet@v5', with: { 'dotnet-version': '8.x' } },
    ], `npx -p ${PUBLIB} publib-nuget`, {
      NUGET_API_KEY: '${{ secrets.NUGET_API_KEY }}',
    });
    publishJob('golang', [
      { uses: 'actions/setup-go@v6', with: { 'go-version': '^1.23.0' } },
    ], `npx -p ${PUBLIB} publib-golang`, {
      GITHUB_TOKEN: '${{ secrets.GO_GITHUB_TOKEN }}',
      GIT_USER_NAME: 'github-actions',
      GIT_USER_EMAIL: 'github-actions@github.com',
      GIT_BRANCH: 'main',
    });
    publishJob('github', [],
      'gh release create "$(cat dist/releasetag.txt)" -R "$GITHUB_REPOSITORY" -F dist/changelog.md -t "$(cat dist/releasetag.txt)" --target "$GITHUB_SHA"',
      { GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
  }
}
