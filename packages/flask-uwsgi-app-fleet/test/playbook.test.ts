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

describe('the app server playbook', () => {
  test('is one play for the local host, as root, reading its variables from vars.json', () => {
    expect(playbook).toHaveLength(1);
    expect(play).toMatchObject({ hosts: 'all', become: true, vars_files: ['vars.json'] });
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
      'ansible.builtin.systemd',
      'ansible.builtin.meta',
      'ansible.builtin.command',
    ]);
    const check = tasks[tasks.length - 1];
    expect(check).toEqual({ 'name': expect.any(String), 'ansible.builtin.command': 'python3 {{ playbook_dir }}/uwsgi_answers.py {{ uwsgi_port }}', 'changed_when': false });
    for (const task of [...tasks.slice(0, -1), ...play.handlers]) {
      expect(Object.keys(task).every(k => ['name', 'notify', 'when', moduleOf(task)].includes(k))).toBe(true);
    }
  });

  test('restarts a changed app before the check, so that the check sees what was deployed', () => {
    expect(tasks[tasks.length - 2]).toMatchObject({ 'ansible.builtin.meta': 'flush_handlers' });
  });

  test('declares the state it wants rather than an action', () => {
    const byModule = (name: string) => tasks.filter(t => moduleOf(t) === `ansible.builtin.${name}`).map(t => t[`ansible.builtin.${name}`]);
    expect(byModule('package')).toEqual([expect.objectContaining({ state: 'present' })]);
    expect(byModule('systemd')).toEqual([expect.objectContaining({ state: 'started', enabled: true })]);
    for (const copy of byModule('copy')) {
      expect(copy).toEqual(expect.objectContaining({ owner: expect.any(String), mode: expect.any(String) }));
    }
  });

  test('restarts the app only through a handler, that is only when a deployed file changed', () => {
    const notifying = tasks.filter(t => t.notify).map(t => t.name);
    expect(notifying).toEqual(['Deploy the app', 'Deploy uwsgi.ini', 'Deploy the systemd unit']);
    expect(play.handlers).toEqual([expect.objectContaining({
      'name': 'Restart the app',
      'ansible.builtin.systemd': expect.objectContaining({ state: 'restarted', daemon_reload: true }),
    })]);
    expect(tasks.every(t => !JSON.stringify(t).includes('restarted'))).toBe(true);
  });

  test('installs the app\'s own requirements only when it ships them', () => {
    const requirements = tasks.find(t => t.name === 'Install the app\'s own requirements')!;
    expect(requirements.when).toBe('app_has_requirements');
  });
});
