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
const moduleOf = (task: Record<string, any>) => Object.keys(task).find(k => k.startsWith('ansible.builtin.') || k === 'deploy_files')!;

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

  test('changes things only with modules that compare before they change; its one command, the check that the app answers, changes nothing', () => {
    expect(tasks.map(moduleOf)).toEqual([
      'ansible.builtin.package',
      'ansible.builtin.user',
      'ansible.builtin.pip',
      'deploy_files',
      'ansible.builtin.pip',
      'ansible.builtin.systemd',
      'ansible.builtin.systemd',
      'ansible.builtin.command',
    ]);
    const check = tasks[tasks.length - 1];
    expect(check).toEqual({ 'name': expect.any(String), 'ansible.builtin.command': 'python3 {{ playbook_dir }}/uwsgi_answers.py {{ uwsgi_port }}', 'changed_when': false });
    for (const task of tasks.slice(0, -1)) {
      expect(Object.keys(task).every(k => ['name', 'when', 'register', moduleOf(task)].includes(k))).toBe(true);
    }
  });

  test('deploys every file in one task, each set from the playbook\'s folder with its owner, group and mode', () => {
    const deploy = tasks.filter(t => moduleOf(t) === 'deploy_files');
    expect(deploy).toHaveLength(1);
    expect(deploy[0].register).toBe('deployed');
    expect(deploy[0].deploy_files.sets).toEqual([
      { name: 'app', src: '{{ playbook_dir }}/files/app', dest: '{{ app_dir }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      { name: 'uwsgi.ini', src: '{{ playbook_dir }}/files/uwsgi.ini', dest: '{{ uwsgi_ini }}', owner: 'root', group: '{{ service_user }}', mode: '0640' },
      // The unit's ExecReload= runs it, where the unit expects it.
      { name: 'reload command', src: '{{ playbook_dir }}/uwsgi_reload.py', dest: '{{ uwsgi_reload }}', owner: 'root', group: 'root', mode: '0755' },
      { name: 'unit', src: '{{ playbook_dir }}/files/uwsgi.service', dest: '/etc/systemd/system/{{ service_name }}.service', owner: 'root', group: 'root', mode: '0644' },
    ]);
    expect(fs.existsSync(path.join(__dirname, '..', 'assets', 'playbook', 'library', 'deploy_files.py'))).toBe(true);
  });

  test('declares the state it wants rather than an action', () => {
    const byModule = (name: string) => tasks.filter(t => moduleOf(t) === `ansible.builtin.${name}`).map(t => t[`ansible.builtin.${name}`]);
    expect(byModule('package')).toEqual([expect.objectContaining({ state: 'present' })]);
    expect(byModule('systemd')[0]).toEqual(expect.objectContaining({ state: 'started', enabled: true }));
  });

  test('a new unit restarts the app, a new app or uwsgi.ini reloads it, an app it has just started is neither, and a restart makes a reload needless', () => {
    const start = tasks.find(t => t.name === 'Start the app now and at every boot')!;
    expect(start.register).toBe('app_started');
    const apply = tasks.find(t => t.name === 'Reload or restart the app for what changed')!;
    expect(apply['ansible.builtin.systemd'].state).toBe("{{ 'restarted' if 'unit' in deployed.changed_sets else 'reloaded' }}");
    // A new reload command alone neither reloads nor restarts: the unit runs it at the next reload.
    expect(apply.when).toBe("deployed.changed_sets | intersect(['app', 'uwsgi.ini', 'unit']) | length > 0 and not app_started.changed");
    // After the start and just before the check, so that the check sees what was deployed.
    expect(tasks.indexOf(apply)).toBe(tasks.indexOf(start) + 1);
    expect(tasks.indexOf(apply)).toBe(tasks.length - 2);
    expect(play.handlers).toBeUndefined();
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
