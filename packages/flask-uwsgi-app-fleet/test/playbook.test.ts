import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

/**
 * The playbook is re-run by State Manager on every association update and on every new instance,
 * so each task must converge: a second run reports no change and restarts nothing.
 */
const playbook = parse(fs.readFileSync(path.join(__dirname, '..', 'assets', 'playbook', 'playbook.yml'), 'utf-8'));
const play = playbook[0];
const tasks: Record<string, any>[] = play.tasks;
const moduleOf = (task: Record<string, any>) => Object.keys(task).find(k => k.startsWith('ansible.builtin.') || k === 'deploy_files')!;
const secretsCheck = tasks.find(t => t.name === 'Check whether the app\'s secrets changed since it loaded them')!;
const apply = tasks.find(t => t.name === 'Reload or restart the app for what changed')!;
const deploySets = (): Record<string, any>[] => tasks.find(t => moduleOf(t) === 'deploy_files')!.deploy_files.sets;
const setNamed = (name: string) => deploySets().find(s => s.name === name)!;

const hasAnsible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf-8' }).status === 0;
const UNDER_CI = process.env.CI !== undefined && !['', 'false', '0'].includes(process.env.CI);
if (!hasAnsible && UNDER_CI) throw new Error('The playbook\'s reload test needs ansible-playbook (Debian package ansible-core or ansible); under CI a test that cannot run fails rather than skips.');
const maybeAnsible = hasAnsible ? test : test.skip;

/**
 * What the one reload-or-restart task does in each case, as Ansible evaluates its own `when` and
 * `state` (the playbook's very strings): `none` where it would be skipped. One local run of a play
 * that registers each case's results as the playbook's run would have them.
 */
function evaluateApply(cases: Array<{ changedSets: string[]; started: boolean; rotated: boolean }>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playbook-apply-'));
  try {
    const probe = [{
      hosts: 'all',
      gather_facts: false,
      tasks: [{
        'name': 'evaluate',
        'ansible.builtin.debug': { msg: `apply={{ ((${apply.when.replace(/\n/g, ' ')}) | ternary((${apply['ansible.builtin.systemd'].state.replace(/^\{\{ | \}\}$/g, '')}), 'none')) }}` },
        'loop': cases.map(c => ({
          deployed: { changed: c.changedSets.length > 0, changed_sets: c.changedSets },
          app_started: { changed: c.started },
          secrets_check: c.started ? { changed: false, skipped: true } : { changed: c.rotated, rc: c.rotated ? 3 : 0 },
        })),
        'vars': { deployed: '{{ item.deployed }}', app_started: '{{ item.app_started }}', secrets_check: '{{ item.secrets_check }}' },
      }],
    }];
    fs.writeFileSync(path.join(dir, 'play.json'), JSON.stringify(probe));
    const r = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', path.join(dir, 'play.json')], {
      encoding: 'utf-8',
      timeout: 120_000,
      env: { ...process.env, ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_NOCOLOR: '1' },
    });
    if (r.status !== 0) throw new Error(`ansible-playbook failed:\n${r.stdout}\n${r.stderr}`);
    // The default callback prints each item's result in the loop's order.
    return [...r.stdout.matchAll(/"msg": "apply=(\w+)"/g)].map(m => m[1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the app server playbook', () => {
  test('is one play for the local host, as root, reading its variables from vars.json', () => {
    expect(playbook).toHaveLength(1);
    expect(play).toMatchObject({ hosts: 'all', become: true, vars_files: ['vars.json'] });
  });

  test('gathers no facts: no task reads one, and the package manager is dnf where the instance has it, else yum', () => {
    expect(play.gather_facts).toBe(false);
    expect(tasks[0]['ansible.builtin.package'].use).toBe("{{ 'dnf' if '/usr/bin/dnf' is exists else 'yum' }}");
    expect(JSON.stringify(play.tasks)).not.toMatch(/\bansible_\w+|hostvars/);
  });

  test('changes things only with modules that compare before they change; the check that the app answers changes nothing, the secrets check only on a difference', () => {
    expect(tasks.map(moduleOf)).toEqual([
      'ansible.builtin.package',
      'ansible.builtin.user',
      'ansible.builtin.pip',
      'deploy_files',
      'ansible.builtin.pip',
      'ansible.builtin.systemd',
      'ansible.builtin.command',
      'ansible.builtin.systemd',
      'ansible.builtin.command',
    ]);
    const check = tasks[tasks.length - 1];
    expect(check).toEqual({ 'name': expect.any(String), 'ansible.builtin.command': 'python3 {{ playbook_dir }}/uwsgi_answers.py {{ uwsgi_port }}', 'changed_when': false });
    for (const task of tasks.slice(0, -1).filter(t => t !== secretsCheck)) {
      expect(Object.keys(task).every(k => ['name', 'when', 'register', moduleOf(task)].includes(k))).toBe(true);
    }
    expect(play.handlers).toBeUndefined();
  });

  test('deploys every file in one task, each set from the playbook\'s folder with its owner, group and mode', () => {
    const deploy = tasks.filter(t => moduleOf(t) === 'deploy_files');
    expect(deploy).toHaveLength(1);
    expect(deploy[0].register).toBe('deployed');
    expect(deploySets()).toEqual([
      { name: 'app', src: '{{ playbook_dir }}/files/app', dest: '{{ app_dir }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      { name: 'uwsgi.ini', src: '{{ playbook_dir }}/files/uwsgi.ini', dest: '{{ uwsgi_ini }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      // The unit's ExecReload= runs it, where the unit expects it.
      { name: 'reload command', src: '{{ playbook_dir }}/uwsgi_reload.py', dest: '{{ uwsgi_reload }}', owner: 'root', group: 'root', mode: '0755' },
      { name: 'environment loader', src: '{{ playbook_dir }}/files/app_environment.py', dest: '{{ environment_loader }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      { name: 'environment', src: '{{ playbook_dir }}/files/environment.json', dest: '{{ app_environment }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      { name: 'secrets command', src: '{{ playbook_dir }}/app_secrets.py', dest: '{{ secrets_command }}', owner: 'root', group: 'root', mode: '0755' },
      // run-playbook.sh writes it into files/ before the run.
      { name: 'secret references', src: '{{ playbook_dir }}/files/app_secrets.json', dest: '{{ secret_references }}', owner: 'root', group: 'root', mode: '0600' },
      { name: 'unit', src: '{{ playbook_dir }}/files/uwsgi.service', dest: '/etc/systemd/system/{{ service_name }}.service', owner: 'root', group: 'root', mode: '0644' },
      { name: 'uwsgi log', touch: true, dest: '{{ uwsgi_log }}', owner: '{{ service_user }}', group: '{{ service_user }}', mode: '0640' },
    ]);
    expect(fs.existsSync(path.join(__dirname, '..', 'assets', 'playbook', 'library', 'deploy_files.py'))).toBe(true);
  });

  test('a rotated secret (no file changes) reloads a running app: the check fetches and compares, and changes only on a difference', () => {
    expect(secretsCheck).toEqual({
      'name': expect.any(String),
      'ansible.builtin.command': '/usr/bin/python3 {{ secrets_command }} check {{ secret_references }} {{ secrets_file }}',
      'register': 'secrets_check',
      'changed_when': 'secrets_check.rc == 3',
      'failed_when': 'secrets_check.rc not in [0, 3]',
      // An app started in this run has just fetched them.
      'when': 'not app_started.changed',
    });
    expect(apply.when).toMatch(/\bsecrets_check is changed\b/);
    expect(tasks.indexOf(secretsCheck)).toBeGreaterThan(tasks.findIndex(t => t.name === 'Start the app now and at every boot'));
    expect(tasks.indexOf(secretsCheck)).toBe(tasks.indexOf(apply) - 1);
  });

  test('the secrets\' references and the fetch command are root\'s alone; the plain environment is readable by the app\'s group', () => {
    expect(setNamed('secret references')).toMatchObject({ dest: '{{ secret_references }}', owner: 'root', group: 'root', mode: '0600' });
    expect(setNamed('secrets command')).toMatchObject({ owner: 'root', group: 'root', mode: '0755' });
    expect(setNamed('environment')).toMatchObject({ owner: 'root', group: '{{ service_user }}', mode: '0640' });
  });

  test('creates uWSGI\'s log file for the app user before it starts uWSGI, and touches it without changing it', () => {
    // deploy_files's touch: created empty where none is; an existing one keeps its content and times.
    expect(setNamed('uwsgi log')).toEqual({ name: 'uwsgi log', touch: true, dest: '{{ uwsgi_log }}', owner: '{{ service_user }}', group: '{{ service_user }}', mode: '0640' });
    expect(tasks.findIndex(t => moduleOf(t) === 'deploy_files')).toBeLessThan(tasks.findIndex(t => moduleOf(t) === 'ansible.builtin.systemd'));
  });

  test('declares the state it wants rather than an action', () => {
    const byModule = (name: string) => tasks.filter(t => moduleOf(t) === `ansible.builtin.${name}`).map(t => t[`ansible.builtin.${name}`]);
    expect(byModule('package')).toEqual([expect.objectContaining({ state: 'present' })]);
    expect(byModule('systemd')[0]).toEqual(expect.objectContaining({ state: 'started', enabled: true }));
  });

  test('reloads or restarts in one task, after the start and the secrets check and just before the check that the app answers', () => {
    const start = tasks.find(t => t.name === 'Start the app now and at every boot')!;
    expect(start.register).toBe('app_started');
    expect(tasks.indexOf(apply)).toBe(tasks.indexOf(secretsCheck) + 1);
    expect(tasks.indexOf(secretsCheck)).toBe(tasks.indexOf(start) + 1);
    expect(tasks.indexOf(apply)).toBe(tasks.length - 2);
  });

  maybeAnsible('a new unit restarts the app; a new app, uwsgi.ini, environment, loader, secret references or a rotated secret reloads it; the two commands and the log alone, or an app just started, neither', () => {
    const cases: Array<[string, string[], boolean, boolean, string]> = [
      // [case, changed sets, app just started, secrets rotated, expected]
      ['nothing changed', [], false, false, 'none'],
      ['the app', ['app'], false, false, 'reloaded'],
      ['uwsgi.ini', ['uwsgi.ini'], false, false, 'reloaded'],
      ['the environment loader', ['environment loader'], false, false, 'reloaded'],
      ['the environment', ['environment'], false, false, 'reloaded'],
      ['the secret references', ['secret references'], false, false, 'reloaded'],
      ['a rotated secret', [], false, true, 'reloaded'],
      ['the unit', ['unit'], false, false, 'restarted'],
      ['the unit, the app and a rotated secret', ['app', 'unit'], false, true, 'restarted'],
      // The unit runs the commands afresh at the next start or reload; the log is the app's own output.
      ['the reload command, the secrets command and the log', ['reload command', 'secrets command', 'uwsgi log'], false, false, 'none'],
      ['an app just started', ['app', 'environment', 'unit'], true, false, 'none'],
    ];
    const got = evaluateApply(cases.map(([, changedSets, started, rotated]) => ({ changedSets, started, rotated })));
    expect(cases.map(([name], i) => `${name}: ${got[i]}`)).toEqual(cases.map(([name, , , , expected]) => `${name}: ${expected}`));
  });

  test('asks systemd to read its units again only when the unit file changed', () => {
    const start = tasks.find(t => t.name === 'Start the app now and at every boot')!;
    expect(start['ansible.builtin.systemd'].daemon_reload).toBe("{{ 'unit' in deployed.changed_sets }}");
    const others = tasks.filter(t => moduleOf(t) === 'ansible.builtin.systemd' && t !== start);
    expect(others.every(t => t['ansible.builtin.systemd'].daemon_reload === undefined)).toBe(true);
  });

  test('installs the app\'s own requirements only when it ships them', () => {
    const requirements = tasks.find(t => t.name === 'Install the app\'s own requirements')!;
    expect(requirements.when).toBe('app_has_requirements');
  });
});
