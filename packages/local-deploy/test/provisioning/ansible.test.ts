import { formatRecap, readAnsibleOutput } from '../../src/provisioning/ansible';

const run = [
  'PLAY [all] *********************************************************************',
  '',
  'TASK [Gathering Facts] *********************************************************',
  'ok: [localhost]',
  '',
  'TASK [Create the user the app runs as] *****************************************',
  'changed: [localhost] => {"changed": true, "name": "flaskapp"}',
  '',
  'TASK [Deploy uwsgi.ini] ********************************************************',
  'fatal: [localhost]: FAILED! => {"changed": false, "msg": "Could not find or access \'uwsgi.ini\'"}',
  '',
  'PLAY RECAP *********************************************************************',
  'localhost                  : ok=2    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ',
].join('\n');

describe('readAnsibleOutput', () => {
  test('the recap, the changed tasks and the failed task with Ansible\'s message', () => {
    expect(readAnsibleOutput(run)).toEqual({
      recap: { ok: 2, changed: 1, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 },
      changedTasks: ['Create the user the app runs as'],
      failedTask: { name: 'Deploy uwsgi.ini', message: "Could not find or access 'uwsgi.ini'" },
    });
  });

  test('handlers count as tasks', () => {
    const handler = 'PLAY [all] ***\n\nRUNNING HANDLER [Restart the app] ***\nchanged: [localhost] => {"changed": true}\n';
    expect(readAnsibleOutput(handler)?.changedTasks).toEqual(['Restart the app']);
  });

  test('output without a play is not Ansible\'s', () => {
    expect(readAnsibleOutput('Syntax OK\n')).toBeUndefined();
  });

  test('formatRecap prints the counts as Ansible does', () => {
    expect(formatRecap(readAnsibleOutput(run)!.recap!)).toBe('ok=2 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0');
  });
});
