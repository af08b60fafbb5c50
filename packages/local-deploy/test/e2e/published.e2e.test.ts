import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NAMESPACE_PREFIX, RUN_ROOT } from '../../src/runtime/naming';
import { IS_ROOT, describeWhen } from '../machine-requirements';
import { USER_APP, readmeCommands } from '../user-app';

/**
 * The package as a user gets it: a new project installs the packed tarballs of the four construct
 * libraries and of this tool (`libraries:package` and this package's `package`, steps of the root
 * build), with their dependencies from the registry, gets the files of the README's "Use it in
 * your own app" (examples/my-app) and runs the README's commands there. One install serves both
 * cases.
 */
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const LIBRARIES = ['core', 'internal-nlb-tier', 'apache-uwsgi-web-server', 'flask-uwsgi-app-fleet'];
/** What the user's project installs from the registry besides the tarballs, at the versions this repository builds with. */
const REGISTRY_PACKAGES = ['aws-cdk-lib', 'constructs', '@aws-cdk/integ-tests-alpha', 'ts-node', 'typescript', 'jest', 'ts-jest', '@types/jest', '@types/node'];

function tarballs(): string[] {
  const dirs = [...LIBRARIES.map(l => path.join(REPO, 'packages', l, 'dist', 'js')), path.join(REPO, 'packages', 'local-deploy', 'dist', 'js')];
  const found = dirs.map(d => (fs.existsSync(d) ? fs.readdirSync(d).filter(f => f.endsWith('.tgz')).map(f => path.join(d, f)) : []));
  const missing = dirs.filter((_, i) => found[i].length !== 1);
  if (missing.length > 0) {
    throw new Error(`Expected exactly one packed tarball in each of ${missing.map(d => path.relative(REPO, d)).join(', ')}: run `
      + '"npx projen libraries:package" at the repository root and "npx projen package" in packages/local-deploy');
  }
  return found.flat();
}

function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf-8')).version;
}

/** The environment of a user's shell: none of the variables that this test's own jest and ts-node set. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JEST_|TS_NODE_|NODE_OPTIONS$)/.test(k)));
}

function run(command: string, cwd: string, timeoutMs: number) {
  const r = spawnSync('sh', ['-c', command], { cwd, env: userEnv(), encoding: 'utf-8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

/** The namespaces and run folders of local deployments on this machine now, and the folders integ tests were synthesized into. */
function deploymentsOnMachine(): string[] {
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout.split('\n')
    .map(l => l.split(' ')[0]).filter(n => n.startsWith(NAMESPACE_PREFIX));
  const runDirs = fs.existsSync(RUN_ROOT) ? fs.readdirSync(RUN_ROOT).map(d => `${RUN_ROOT}/${d}`) : [];
  const synthesized = fs.readdirSync(os.tmpdir()).filter(d => d.startsWith('nlb-tiers-integ.')).map(d => path.join(os.tmpdir(), d));
  return [...namespaces, ...runDirs, ...synthesized];
}

const WRONG_BODY_TEST = `import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { MyStack } from '../my-stack';

const app = new App();
const stack = new MyStack(app, 'MyStackWrongBody');
const integ = new IntegTest(app, 'WrongBody', { testCases: [stack] });
integ.assertions.httpApiCall(stack.url)
  .expect(ExpectedResult.objectLike({ status: 200, body: 'Hello from another app' }))
  .waitForAssertions({ totalTimeout: Duration.minutes(1), interval: Duration.seconds(5) });
app.synth();
`;

describeWhen(IS_ROOT, 'root on Linux (it deploys)')('a user\'s own app, with the packages installed from their tarballs', () => {
  let project: string;
  let before: string[];

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-user-app-'));
    fs.cpSync(USER_APP, project, { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }, undefined, 2));
    const packages = [...tarballs(), ...REGISTRY_PACKAGES.map(p => `${p}@${installedVersion(p)}`)];
    const install = run(`npm install --no-audit --no-fund --prefer-offline --save-dev ${packages.map(p => `'${p}'`).join(' ')}`, project, 600_000);
    if (install.status !== 0) throw new Error(`npm install failed in ${project}:\n${install.output}`);
    before = deploymentsOnMachine();
  }, 700_000);

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  test('the README\'s commands pass there: preflight, its own integ test, its jest test of the API; nothing is left', () => {
    for (const command of readmeCommands()) {
      const r = run(command, project, 900_000);
      if (r.status !== 0) throw new Error(`"${command}" exited with ${r.status}:\n${r.output}`);
      if (command.includes(' integ ')) {
        expect(r.output).toMatch(/PASS {2}httpApiCall GET /);
        expect(r.output).toContain('integration tests: 1/1 assertions passed');
        // Without a snapshot, the tool synthesized the test with the project's ts-node.
        expect(r.output).toContain('integ.my-stack.ts: no snapshot');
      }
      if (command === 'npx jest') expect(r.output).toMatch(/Tests: +1 passed, 1 total/);
      expect(deploymentsOnMachine().filter(d => !before.includes(d))).toEqual([]);
    }
  });

  test('an integ test whose expected body is wrong fails with the assertion\'s diff and exit code 1; nothing is left', () => {
    fs.mkdirSync(path.join(project, 'integ-wrong'));
    fs.writeFileSync(path.join(project, 'integ-wrong', 'integ.wrong-body.ts'), WRONG_BODY_TEST);
    const r = run('npx nlb-tiers-local integ integ-wrong', project, 900_000);
    expect({ status: r.status, output: r.output }).toEqual({ status: 1, output: expect.stringMatching(/FAIL {2}httpApiCall GET /) });
    // The diff: the expected body against the one the app answered, the mismatch marked.
    expect(r.output).toContain('the response does not match (!! marks each mismatch)');
    expect(r.output).toMatch(/!!.*Hello from another app/);
    expect(r.output).toContain('Hello from my app');
    expect(r.output).toContain('integration tests: 0/1 assertions passed');
    expect(deploymentsOnMachine().filter(d => !before.includes(d))).toEqual([]);
  });
});
