import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProcessSpec, Supervisor } from '../../src/runtime/supervisor';

describe('Supervisor', () => {
  let root: string;
  let supervisor: Supervisor;
  let lines: string[];

  const spec = (name: string, command: string[], restartSeconds = 0.2): ProcessSpec => ({
    name,
    namespace: 'ns',
    command,
    logFile: path.join(root, `${name.replace('/', '-')}.log`),
    restart: { restart: 'always', restartSeconds },
  });

  async function until(condition: () => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise(r => setTimeout(r, 20));
    }
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-supervisor-'));
    lines = [];
    supervisor = new Supervisor(() => undefined, line => lines.push(line));
  });

  afterEach(async () => {
    await supervisor.stopAll();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('restarts a process that exits, after RestartSec', async () => {
    supervisor.start(spec('app1/uwsgi', ['/bin/sh', '-c', 'sleep 0.1']));

    await until(() => lines.some(l => l.startsWith('app1/uwsgi restarted')));
    expect(lines[0]).toMatch(/^app1\/uwsgi \(pid \d+\) exited \(code 0\)$/);
  });

  test('stopEvery stops a host\'s processes, running or waiting for their restart, and none starts again', async () => {
    supervisor.start(spec('app1/uwsgi', ['/bin/sh', '-c', 'exit 3'], 0.5));
    supervisor.start(spec('app1/imds', ['/bin/sleep', '30']));
    supervisor.start(spec('app2/uwsgi', ['/bin/sleep', '30']));
    await until(() => supervisor.isRestarting('app1/uwsgi'));

    await supervisor.stopEvery('app1/');
    // The host's folders go with it: a restart now would fail to open its log.
    fs.rmSync(root, { recursive: true, force: true });
    await new Promise(r => setTimeout(r, 800));

    expect(supervisor.isRestarting('app1/uwsgi')).toBe(false);
    expect(supervisor.isRunning('app1/uwsgi')).toBe(false);
    expect(supervisor.isRunning('app1/imds')).toBe(false);
    expect(supervisor.isRunning('app2/uwsgi')).toBe(true);
    expect(lines.filter(l => l.includes('restarted'))).toEqual([]);
  });

  test('a restart that cannot start (its log\'s folder is gone) is logged, and the supervisor goes on', async () => {
    supervisor.start(spec('app1/uwsgi', ['/bin/sh', '-c', 'exit 3'], 0.3));
    await until(() => supervisor.isRestarting('app1/uwsgi'));
    fs.rmSync(root, { recursive: true, force: true });

    await until(() => lines.some(l => l.includes('could not be restarted')));
    expect(lines).toContainEqual(expect.stringMatching(/^app1\/uwsgi could not be restarted: ENOENT: no such file or directory, open '.*app1-uwsgi\.log'$/));
    expect(supervisor.isRestarting('app1/uwsgi')).toBe(false);
  });
});
