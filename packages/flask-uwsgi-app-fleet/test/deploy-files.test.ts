import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The playbook's own module, library/deploy_files.py, run by Ansible (`ansible localhost -c local`)
 * on folders of this test's own: what it writes, with which owner, group and mode, what it reports
 * changed, and that a second run changes nothing.
 */
const LIBRARY = path.join(__dirname, '..', 'assets', 'playbook', 'library');
const hasAnsible = spawnSync('ansible', ['--version'], { encoding: 'utf-8' }).status === 0;
const UNDER_CI = process.env.CI !== undefined && !['', 'false', '0'].includes(process.env.CI);
if (!hasAnsible && UNDER_CI) throw new Error('The deploy_files tests need ansible (Debian package ansible-core or ansible); under CI a suite that cannot run fails rather than skips.');
// eslint-disable-next-line no-console
if (!hasAnsible) console.log('Skipping the deploy_files tests: they need ansible on PATH.');
const maybe = hasAnsible ? describe : describe.skip;

const user = os.userInfo().username;
const group = spawnSync('id', ['-gn'], { encoding: 'utf-8' }).stdout.trim();

interface Result {
  readonly failed?: boolean;
  readonly changed: boolean;
  readonly changed_sets: string[];
  readonly changed_paths: string[];
  readonly msg?: string;
}

function deployFiles(sets: object[], check = false): Result {
  const args = ['localhost', '-i', 'localhost,', '-c', 'local', '-M', LIBRARY, '-m', 'deploy_files', '-a', JSON.stringify({ sets }), ...check ? ['--check'] : []];
  const r = spawnSync('ansible', args, {
    encoding: 'utf-8',
    timeout: 120_000,
    env: { ...process.env, ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_NOCOLOR: '1' },
  });
  // The ad hoc command's output: `localhost | CHANGED => { ...the module's result... }`.
  const result = /^localhost \| ([A-Z!]+) => (\{[\s\S]*\})\s*$/m.exec(r.stdout);
  if (!result) throw new Error(`ansible printed no result:\n${r.stdout}\n${r.stderr}`);
  return { ...JSON.parse(result[2]), failed: result[1] === 'FAILED!' };
}

const mode = (p: string) => (fs.statSync(p).mode % 0o10000).toString(8);

maybe('deploy_files, the playbook\'s module that deploys every file in one run', () => {
  let dir: string;
  let sets: object[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-files-test-'));
    fs.mkdirSync(path.join(dir, 'src', 'app', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'app', 'run.py'), 'app = 1\n');
    fs.writeFileSync(path.join(dir, 'src', 'app', 'pkg', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'src', 'app', 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'src', 'uwsgi.ini'), '[uwsgi]\n');
    fs.mkdirSync(path.join(dir, 'dest'));
    sets = [
      { name: 'app', src: path.join(dir, 'src', 'app'), dest: path.join(dir, 'dest', 'app'), owner: user, group, mode: '0640' },
      { name: 'uwsgi.ini', src: path.join(dir, 'src', 'uwsgi.ini'), dest: path.join(dir, 'dest', 'uwsgi.ini'), owner: user, group, mode: '0600' },
    ];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes every set with its mode, folders with the search bits (u=rwX,g=rX,o=), then changes nothing', () => {
    const first = deployFiles(sets);
    expect(first).toMatchObject({ changed: true, changed_sets: ['app', 'uwsgi.ini'] });
    expect(fs.readFileSync(path.join(dir, 'dest', 'app', 'run.py'), 'utf-8')).toBe('app = 1\n');
    expect(mode(path.join(dir, 'dest', 'app'))).toBe('750');
    expect(mode(path.join(dir, 'dest', 'app', 'pkg'))).toBe('750');
    expect(mode(path.join(dir, 'dest', 'app', 'run.py'))).toBe('640');
    expect(mode(path.join(dir, 'dest', 'app', 'tool.sh'))).toBe('640');
    expect(mode(path.join(dir, 'dest', 'uwsgi.ini'))).toBe('600');
    expect(deployFiles(sets)).toMatchObject({ changed: false, changed_sets: [], changed_paths: [] });
  });

  test('reports only the sets that changed, for a new content or a new mode; leaves files it does not deploy', () => {
    deployFiles(sets);
    fs.writeFileSync(path.join(dir, 'dest', 'app', 'extra.txt'), 'mine');
    fs.writeFileSync(path.join(dir, 'src', 'uwsgi.ini'), '[uwsgi]\nprocesses = 4\n');
    const changed = deployFiles(sets);
    expect(changed).toMatchObject({ changed: true, changed_sets: ['uwsgi.ini'], changed_paths: [path.join(dir, 'dest', 'uwsgi.ini')] });
    expect(fs.readFileSync(path.join(dir, 'dest', 'uwsgi.ini'), 'utf-8')).toContain('processes = 4');
    fs.chmodSync(path.join(dir, 'dest', 'app', 'run.py'), 0o666);
    expect(deployFiles(sets)).toMatchObject({ changed: true, changed_sets: ['app'], changed_paths: [path.join(dir, 'dest', 'app', 'run.py')] });
    expect(mode(path.join(dir, 'dest', 'app', 'run.py'))).toBe('640');
    expect(fs.readFileSync(path.join(dir, 'dest', 'app', 'extra.txt'), 'utf-8')).toBe('mine');
  });

  test('a touch set creates an empty file with its owner, group and mode, then leaves its content and times alone', () => {
    const log = path.join(dir, 'dest', 'uwsgi.log');
    const touch = { name: 'log', touch: true, dest: log, owner: user, group, mode: '0640' };
    expect(deployFiles([touch])).toMatchObject({ changed: true, changed_sets: ['log'], changed_paths: [log] });
    expect(fs.readFileSync(log, 'utf-8')).toBe('');
    expect(mode(log)).toBe('640');
    fs.appendFileSync(log, 'a line the app wrote\n');
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(log, past, past);
    expect(deployFiles([touch])).toMatchObject({ changed: false, changed_sets: [] });
    expect(fs.readFileSync(log, 'utf-8')).toBe('a line the app wrote\n');
    expect(fs.statSync(log).mtime).toEqual(past);
    fs.chmodSync(log, 0o644);
    expect(deployFiles([touch])).toMatchObject({ changed: true, changed_sets: ['log'] });
    expect(mode(log)).toBe('640');
    expect(deployFiles([{ ...touch, dest: path.join(dir, 'none', 'uwsgi.log') }]))
      .toMatchObject({ failed: true, msg: expect.stringMatching(/its folder .*none does not exist/) });
  });

  test('in check mode, says what would change and writes nothing', () => {
    expect(deployFiles(sets, true)).toMatchObject({ changed: true, changed_sets: ['app', 'uwsgi.ini'] });
    expect(fs.readdirSync(path.join(dir, 'dest'))).toEqual([]);
  });

  test('a set without a source, or with an unknown group, fails and names it', () => {
    const missing = deployFiles([{ ...sets[1] as object, src: path.join(dir, 'none') }]);
    expect(missing).toMatchObject({ failed: true, msg: `set uwsgi.ini: ${path.join(dir, 'none')} does not exist` });
    expect(deployFiles([{ ...sets[1] as object, group: 'no-such-group-x' }])).toMatchObject({ failed: true, msg: expect.stringMatching(/set uwsgi.ini: no such user or group/) });
    expect(deployFiles([{ ...sets[1] as object, dest: path.join(dir, 'none', 'uwsgi.ini') }]))
      .toMatchObject({ failed: true, msg: `${path.join(dir, 'none', 'uwsgi.ini')} cannot be written: its folder ${path.join(dir, 'none')} does not exist` });
    expect(deployFiles([{ name: 'x', src: '/etc/hostname' }])).toMatchObject({ failed: true, msg: expect.stringMatching(/x lacks dest, owner, group, mode/) });
    expect(deployFiles([{ ...sets[1] as object, touch: true }])).toMatchObject({ failed: true, msg: expect.stringMatching(/set uwsgi.ini: give either src .* or touch: true .*, not both/) });
    const { src: _src, ...neither } = sets[1] as { src: string };
    expect(deployFiles([neither])).toMatchObject({ failed: true, msg: expect.stringMatching(/not neither/) });
  });
});
