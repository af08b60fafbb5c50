import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/**
 * The playbook is re-run by State Manager on every association update and on every new instance,
 * so each task must converge: a second run reports no change and restarts nothing.
 */
const playbook = parse(fs.readFileSync(path.join(__dirname, '..', 'assets', 'playbook', 'playbook.yml'), 'utf-8'));
const play = playbook[0];
const tasks: Record<string, any>[] = play.tasks;
const moduleOf = (task: Record<string, any>) => Object.keys(task).find(k => k.startsWith('ansible.builtin.'))!;
const secretsCheck = tasks.find(t => t.name === 'Check whether the app\'s secrets changed since it loaded them')!;

describe('the app server playbook', () => {
  test('is one play for the local host, as root, reading its variables from vars.json', () => {
    expect(playbook).toHaveLength(1);
    expect(play).toMatchObject({ hosts: 'all', become: true, vars_files: ['vars.json'] });
  });

  test('gathers no facts: no task reads one, and the package manager is dnf where the instance has it, else yum', () => {
    expect(play.gather_facts).toBe(false);
    expect(tasks[0]['ansible.builtin.package'].use).toBe("{{ 'dnf' if '/usr/bin/dnf' is exists else 'yum' }}");
    expect(JSON.stringify([play.tasks, play.handlers])).not.toMatch(/\bansible_\w+|hostvars/);
  });

  test('changes things only with modules that compare before they change; its one command, the check that the app answers, changes nothing', () => {
    expect(tasks.map(moduleOf)).toEqual([
      'ansible.builtin.package',
      'ansible.builtin.user',
      'ansible.builtin.pip',
      'ansible.builtin.copy',
      'ansible.builtin.pip',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.copy',
      'ansible.builtin.file',
      'ansible.builtin.systemd',
      'ansible.builtin.command',
      'ansible.builtin.meta',
      'ansible.builtin.command',
    ]);
    const check = tasks[tasks.length - 1];
    expect(check).toEqual({ 'name': expect.any(String), 'ansible.builtin.command': 'python3 {{ playbook_dir }}/uwsgi_answers.py {{ uwsgi_port }}', 'changed_when': false });
    for (const task of [...tasks.slice(0, -1), ...play.handlers].filter(t => t !== secretsCheck)) {
      expect(Object.keys(task).every(k => ['name', 'notify', 'when', 'register', moduleOf(task)].includes(k))).toBe(true);
    }
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
      'notify': 'Reload the app',
    });
    const names = tasks.map(t => t.name);
    expect(names.indexOf(secretsCheck.name)).toBeGreaterThan(names.indexOf('Start the app now and at every boot'));
    expect(names.indexOf(secretsCheck.name)).toBeLessThan(names.findIndex(t => tasks[names.indexOf(t)]['ansible.builtin.meta'] === 'flush_handlers'));
  });

  test('the secrets\' references and the fetch command are root\'s alone; the plain environment is readable by the app\'s group', () => {
    const byName = (n: string) => tasks.find(t => t.name === n)!['ansible.builtin.copy'];
    expect(byName('Deploy the references of the app\'s secrets')).toMatchObject({ dest: '{{ secret_references }}', owner: 'root', group: 'root', mode: '0600' });
    expect(byName('Deploy the command that fetches the app\'s secrets')).toMatchObject({ owner: 'root', group: 'root', mode: '0755' });
    expect(byName('Deploy the app\'s plain environment variables')).toMatchObject({ owner: 'root', group: '{{ service_user }}', mode: '0640' });
  });

  test('reloads or restarts a changed app before the check, so that the check sees what was deployed', () => {
    expect(tasks[tasks.length - 2]).toMatchObject({ 'ansible.builtin.meta': 'flush_handlers' });
  });

  test('creates uWSGI\'s log file for the app user before it starts uWSGI, and touches it without changing it', () => {
    const index = tasks.findIndex(t => moduleOf(t) === 'ansible.builtin.file');
    expect(tasks[index]['ansible.builtin.file']).toEqual({
      path: '{{ uwsgi_log }}',
      state: 'touch',
      owner: '{{ service_user }}',
      group: '{{ service_user }}',
      mode: '0640',
      modification_time: 'preserve',
      access_time: 'preserve',
    });
    expect(index).toBeLessThan(tasks.findIndex(t => moduleOf(t) === 'ansible.builtin.systemd'));
  });

  test('declares the state it wants rather than an action', () => {
    const byModule = (name: string) => tasks.filter(t => moduleOf(t) === `ansible.builtin.${name}`).map(t => t[`ansible.builtin.${name}`]);
    expect(byModule('package')).toEqual([expect.objectContaining({ state: 'present' })]);
    expect(byModule('systemd')).toEqual([expect.objectContaining({ state: 'started', enabled: true })]);
    for (const copy of byModule('copy')) {
      expect(copy).toEqual(expect.objectContaining({ owner: expect.any(String), mode: expect.any(String) }));
    }
  });

  test('a new app or uwsgi.ini reloads the app; only a new unit restarts it; both only through handlers', () => {
    const notifies = Object.fromEntries(tasks.filter(t => t.notify).map(t => [t.name, t.notify]));
    expect(notifies).toEqual({
      'Deploy the app': 'Reload the app',
      'Deploy uwsgi.ini': 'Reload the app',
      'Deploy the module that sets the app\'s environment': 'Reload the app',
      'Deploy the app\'s plain environment variables': 'Reload the app',
      'Deploy the references of the app\'s secrets': 'Reload the app',
      'Check whether the app\'s secrets changed since it loaded them': 'Reload the app',
      'Deploy the systemd unit': 'Restart the app',
    });
    expect(play.handlers.map((h: Record<string, any>) => [h.name, h['ansible.builtin.systemd'].state])).toEqual([
      ['Restart the app', 'restarted'],
      ['Reload the app', 'reloaded'],
    ]);
    expect(tasks.every(t => !/restarted|reloaded/.test(JSON.stringify(t)))).toBe(true);
  });

  test('an app it has just started is neither restarted nor reloaded; a restart makes a reload needless', () => {
    const start = tasks.find(t => t.name === 'Start the app now and at every boot')!;
    const unit = tasks.find(t => t.name === 'Deploy the systemd unit')!;
    expect(start.register).toBe('app_started');
    expect(unit.register).toBe('unit_file');
    const [restart, reload] = play.handlers;
    expect(restart.when).toBe('not app_started.changed');
    expect(reload.when).toBe('not (app_started.changed or unit_file.changed)');
  });

  test('asks systemd to read its units again only when the unit file changed', () => {
    const start = tasks.find(t => t.name === 'Start the app now and at every boot')!;
    expect(start['ansible.builtin.systemd'].daemon_reload).toBe('{{ unit_file.changed }}');
    expect(play.handlers.every((h: Record<string, any>) => h['ansible.builtin.systemd'].daemon_reload === undefined)).toBe(true);
  });

  test('deploys the reload command the unit\'s ExecReload= runs, where the unit expects it', () => {
    const command = tasks.find(t => t.name === 'Deploy the command that reloads the app')!;
    expect(command['ansible.builtin.copy']).toEqual(expect.objectContaining({ src: 'uwsgi_reload.py', dest: '{{ uwsgi_reload }}', owner: 'root', mode: '0755' }));
  });

  test('installs the app\'s own requirements only when it ships them', () => {
    const requirements = tasks.find(t => t.name === 'Install the app\'s own requirements')!;
    expect(requirements.when).toBe('app_has_requirements');
  });
});
