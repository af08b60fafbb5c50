import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Host } from '../../src/model/topology';
import { InitSystem, readJournal } from '../../src/runtime/init-system';
import { Machine } from '../../src/runtime/machine';
import { Supervisor } from '../../src/runtime/supervisor';
import { describeWhen, IS_ROOT } from '../machine-requirements';

/** A host whose files are a temporary folder and whose commands run right here (no namespaces: no root needed). */
class FolderMachine extends Machine {
  constructor(private readonly root: string) {
    super({ name: 'app1' } as Host, 'test', 0, path.join(root, '.host'));
    fs.mkdirSync(this.hostDir, { recursive: true });
  }

  public enter(argv: string[]): string[] {
    return argv;
  }

  public path(inHost: string): string {
    return path.join(this.root, inHost);
  }
}

function writeUnit(root: string, dir: string, name: string, lines: string[]) {
  fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, dir, name), lines.join('\n') + '\n');
}

describe('InitSystem', () => {
  let root: string;
  let supervisor: Supervisor;
  let init: InitSystem;
  const journal = () => readJournal(path.join(root, 'journal.jsonl'));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-init-'));
    supervisor = new Supervisor();
    init = new InitSystem(new FolderMachine(root), supervisor, path.join(root, 'journal.jsonl'));
    writeUnit(root, 'etc/systemd/system', 'uwsgi.service', [
      '[Service]', 'ExecStart=/bin/sleep 30', 'ExecReload=/bin/true', 'Restart=on-failure', 'KillSignal=SIGTERM', '[Install]', 'WantedBy=multi-user.target',
    ]);
  });

  afterEach(async () => {
    await supervisor.stopAll();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('enable links the unit where [Install] says; is-enabled reads the link; a second enable changes nothing', async () => {
    expect(await init.systemctl(['is-enabled', 'uwsgi', '-l'])).toMatchObject({ exitCode: 1, stdout: 'disabled\n' });
    expect(await init.systemctl(['enable', 'uwsgi'])).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: 'Created symlink /etc/systemd/system/multi-user.target.wants/uwsgi.service → /etc/systemd/system/uwsgi.service.\n',
    });
    expect(fs.readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/uwsgi.service'))).toBe('/etc/systemd/system/uwsgi.service');
    expect(await init.systemctl(['is-enabled', 'uwsgi'])).toMatchObject({ exitCode: 0, stdout: 'enabled\n' });
    expect(await init.systemctl(['enable', 'uwsgi'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  test('start runs ExecStart under the supervisor; is-active and show see it; a second start does nothing', async () => {
    expect(await init.systemctl(['is-active', '--quiet', 'uwsgi'])).toEqual({ exitCode: 3, stdout: '', stderr: '' });
    expect(await init.systemctl(['start', 'uwsgi'])).toMatchObject({ exitCode: 0 });
    const pid = supervisor.pid('app1/uwsgi');
    expect(pid).toBeGreaterThan(0);
    expect(await init.systemctl(['is-active', 'uwsgi'])).toEqual({ exitCode: 0, stdout: 'active\n', stderr: '' });
    expect((await init.systemctl(['show', 'uwsgi'])).stdout).toMatch(new RegExp(`^LoadState=loaded\\nActiveState=active\\nSubState=running\\nUnitFileState=disabled\\n.*MainPID=${pid}\\n`, 'ms'));
    await init.systemctl(['start', 'uwsgi']);
    expect(supervisor.pid('app1/uwsgi')).toBe(pid);
    expect(init.actions.map(a => `${a.action} ${a.unit}`)).toEqual(['start uwsgi.service']);
  });

  test('restart replaces the process; reload runs ExecReload and keeps it; stop makes it inactive', async () => {
    await init.systemctl(['start', 'uwsgi']);
    const first = supervisor.pid('app1/uwsgi');
    await init.systemctl(['restart', 'uwsgi']);
    const second = supervisor.pid('app1/uwsgi');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await init.systemctl(['reload', 'uwsgi'])).toMatchObject({ exitCode: 0 });
    expect(supervisor.pid('app1/uwsgi')).toBe(second);
    await init.systemctl(['stop', 'uwsgi']);
    expect(await init.systemctl(['is-active', 'uwsgi'])).toMatchObject({ exitCode: 3, stdout: 'inactive\n' });
    expect(init.actions.map(a => a.action)).toEqual(['start', 'restart', 'reload', 'stop']);
    expect(journal().map(e => [e.argv.join(' '), e.exitCode, e.actions])).toEqual([
      ['start uwsgi', 0, ['start uwsgi.service']],
      ['restart uwsgi', 0, ['restart uwsgi.service']],
      ['reload uwsgi', 0, ['reload uwsgi.service']],
      ['stop uwsgi', 0, ['stop uwsgi.service']],
      ['is-active uwsgi', 3, []],
    ]);
  });

  test('reload runs ExecReload= with $MAINPID the main process\'s pid, and returns only once it has exited', async () => {
    const marks = path.join(root, 'marks');
    // The main process notes each SIGHUP; ExecReload= signals it, then takes a while to finish.
    writeUnit(root, 'etc/systemd/system', 'hup.service', [
      '[Service]',
      `ExecStart=/bin/sh -c 'trap "echo hup >> ${marks}" HUP; echo started >> ${marks}; while :; do sleep 0.05; done'`,
      `ExecReload=/bin/sh -c 'kill -HUP $MAINPID; echo "reload of $MAINPID" >> ${marks}; sleep 1; echo "reload done" >> ${marks}'`,
    ]);
    await init.systemctl(['start', 'hup']);
    const pid = supervisor.pid('app1/hup');

    expect(await init.systemctl(['reload', 'hup'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });

    expect(fs.readFileSync(marks, 'utf-8').split('\n').filter(Boolean).sort()).toEqual(['hup', `reload of ${pid}`, 'reload done', 'started'].sort());
    expect(supervisor.pid('app1/hup')).toBe(pid);
  });

  test('a bare $MAINPID word becomes the pid, as in ExecReload=/bin/kill -HUP $MAINPID', async () => {
    const marks = path.join(root, 'marks');
    writeUnit(root, 'etc/systemd/system', 'hup.service', [
      '[Service]',
      `ExecStart=/bin/sh -c 'trap "echo hup >> ${marks}" HUP; while :; do sleep 0.05; done'`,
      'ExecReload=/bin/kill -HUP $MAINPID',
    ]);
    await init.systemctl(['start', 'hup']);
    expect(await init.systemctl(['reload', 'hup'])).toMatchObject({ exitCode: 0 });
    // kill returns once the signal is sent; the trap runs when the shell's sleep ends.
    const until = Date.now() + 5000;
    while (!fs.existsSync(marks) && Date.now() < until) await new Promise(r => setTimeout(r, 50));
    expect(fs.readFileSync(marks, 'utf-8')).toBe('hup\n');
  });

  test('an ExecReload= that outlasts TimeoutStartSec= is killed and fails the reload; the service runs on', async () => {
    writeUnit(root, 'etc/systemd/system', 'slow.service', ['[Service]', 'ExecStart=/bin/sleep 30', 'ExecReload=/bin/sleep 30', 'TimeoutStartSec=300ms']);
    await init.systemctl(['start', 'slow']);
    const pid = supervisor.pid('app1/slow');

    expect(await init.systemctl(['reload', 'slow'])).toEqual({
      exitCode: 1, stdout: '', stderr: 'Job for slow.service failed because a timeout was exceeded (ExecReload= ran longer than TimeoutStartSec=0.3s).\n',
    });
    // Had it not been killed, the test would outlast jest's 5 s timeout: sleep runs 30 s.
    expect(supervisor.pid('app1/slow')).toBe(pid);
  });

  test('units of the vendor folder are found; $OPTIONS from a missing optional EnvironmentFile= expands to nothing', async () => {
    writeUnit(root, 'usr/lib/systemd/system', 'httpd.service', ['[Service]', 'EnvironmentFile=-/etc/sysconfig/httpd', 'ExecStart=/bin/sleep $OPTIONS 30']);
    expect(await init.systemctl(['start', 'httpd'])).toMatchObject({ exitCode: 0 });
    expect(await init.systemctl(['is-enabled', 'httpd'])).toMatchObject({ exitCode: 0, stdout: 'static\n' });
  });

  test('fails as systemctl does: a unit that is not there, a service that exits at once, a reload without ExecReload=', async () => {
    expect(await init.systemctl(['start', 'nginx'])).toEqual({ exitCode: 5, stdout: '', stderr: 'Failed to start nginx.service: Unit nginx.service not found.\n' });
    writeUnit(root, 'etc/systemd/system', 'broken.service', ['[Service]', 'ExecStart=/bin/false']);
    const started = await init.systemctl(['start', 'broken']);
    expect(started.exitCode).toBe(1);
    expect(started.stderr).toMatch(/^Job for broken.service failed because the control process exited with error code \(code 1\)/);
    expect(await init.systemctl(['is-active', 'broken'])).toMatchObject({ exitCode: 3, stdout: 'failed\n' });
    writeUnit(root, 'etc/systemd/system', 'plain.service', ['[Service]', 'ExecStart=/bin/sleep 30']);
    await init.systemctl(['start', 'plain']);
    expect(await init.systemctl(['reload', 'plain'])).toMatchObject({ exitCode: 1, stderr: 'Failed to reload plain.service: Job type reload is not applicable for unit plain.service.\n' });
    expect(await init.systemctl(['isolate', 'rescue.target'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/systemctl isolate: not emulated/) });
  });

  test('ExecReload= lines run in order and the reload stops at the first that fails; a - line\'s failure is ignored', async () => {
    const log = path.join(root, 'reloads');
    writeUnit(root, 'etc/systemd/system', 'multi.service', [
      '[Service]', 'ExecStart=/bin/sleep 30',
      `ExecReload=-/bin/sh -c 'echo first >> ${log}; exit 3'`,
      `ExecReload=/bin/sh -c 'echo second >> ${log}; test ! -e ${root}/fail'`,
      `ExecReload=/bin/sh -c 'echo third >> ${log}'`,
    ]);
    await init.systemctl(['start', 'multi']);
    expect(await init.systemctl(['reload', 'multi'])).toMatchObject({ exitCode: 0 });
    expect(fs.readFileSync(log, 'utf-8')).toBe('first\nsecond\nthird\n');
    fs.writeFileSync(path.join(root, 'fail'), '');
    fs.rmSync(log);
    expect(await init.systemctl(['reload', 'multi'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Job for multi.service failed because the control process exited with error code \(ExecReload= exited 1\)/) });
    expect(fs.readFileSync(log, 'utf-8')).toBe('first\nsecond\n');
  });

  test('a failed ExecStartPre= fails the start: the service does not run and its RuntimeDirectory= is removed', async () => {
    writeUnit(root, 'etc/systemd/system', 'pre.service', ['[Service]', 'RuntimeDirectory=pre', 'ExecStartPre=/bin/false', 'ExecStart=/bin/sleep 30']);
    expect(await init.systemctl(['start', 'pre'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/\(ExecStartPre= exited 1\)/) });
    expect(supervisor.running).toEqual([]);
    expect(fs.existsSync(path.join(root, 'run', 'pre'))).toBe(false);
  });

  test('services get DefaultEnvironment= of system.conf and its drop-ins, a drop-in winning, and the unit\'s Environment= over both', async () => {
    fs.mkdirSync(path.join(root, 'etc/systemd/system.conf.d'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/systemd/system.conf'), '[Manager]\nDefaultEnvironment=A=conf B=conf C=conf\n');
    fs.writeFileSync(path.join(root, 'etc/systemd/system.conf.d/10-x.conf'), '[Manager]\nDefaultEnvironment="B=drop in"\n');
    const out = path.join(root, 'env');
    writeUnit(root, 'etc/systemd/system', 'env.service', ['[Service]', 'Environment=C=unit', `ExecStart=/bin/sh -c 'echo "$A|$B|$C" > ${out}; exec sleep 30'`]);
    await init.systemctl(['start', 'env']);
    for (let i = 0; i < 30 && !fs.existsSync(out); i++) await new Promise(r => setTimeout(r, 100));
    expect(fs.readFileSync(out, 'utf-8')).toBe('conf|drop in|unit\n');
  });

  test('a unit asking for what the init system does not do fails its start, with the reason', async () => {
    writeUnit(root, 'etc/systemd/system', 'forking.service', ['[Service]', 'Type=forking', 'ExecStart=/bin/true']);
    expect(await init.systemctl(['start', 'forking'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/Type=forking is not emulated locally/) });
    writeUnit(root, 'etc/systemd/system', 'watchdog.service', ['[Service]', 'ExecStart=/bin/true', 'Restart=on-watchdog']);
    expect(await init.systemctl(['start', 'watchdog'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/Restart=on-watchdog is not emulated locally/) });
  });

  describe('User=, Group=, AmbientCapabilities=', () => {
    // Switching users needs root, as it does for systemd.
    const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux, to switch users as systemd does: run it as root, e.g. with sudo');
    const NOBODY = 65534;
    /** A service that writes its credentials, as the kernel reports them, and waits. */
    const probe = (out: string, lines: string[]) => ['[Service]', `ExecStart=/bin/sh -c '{ id -u; id -g; id -G; echo $HOME; grep ^Cap /proc/self/status; } > ${out}; exec sleep 30'`, ...lines];
    const credentials = async (out: string) => {
      for (let i = 0; i < 30 && !(fs.existsSync(out) && fs.readFileSync(out, 'utf-8').includes('CapAmb')); i++) await new Promise(r => setTimeout(r, 100));
      const [uid, gid, groups, home, ...caps] = fs.readFileSync(out, 'utf-8').trim().split('\n');
      const cap = (set: string) => BigInt(`0x${caps.find(l => l.startsWith(set))!.split(/\s+/)[1]}`);
      return { uid: Number(uid), gid: Number(gid), groups, home, inheritable: cap('CapInh'), permitted: cap('CapPrm'), effective: cap('CapEff'), ambient: cap('CapAmb') };
    };
    // CAP_NET_BIND_SERVICE is capability 10 (linux/capability.h).
    const NET_BIND_SERVICE = 2n ** 10n;

    beforeEach(() => {
      // The host's own user database: a user with a primary group and a supplementary one.
      fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
      fs.writeFileSync(path.join(root, 'etc/passwd'), `root:x:0:0:root:/root:/bin/bash\nflaskapp:x:${NOBODY}:${NOBODY}::/nonexistent:/sbin/nologin\n`);
      fs.writeFileSync(path.join(root, 'etc/group'), `root:x:0:\nflaskapp:x:${NOBODY}:\n`);
      // Where the unprivileged service may write what it reports.
      fs.chmodSync(root, 0o755);
      fs.mkdirSync(path.join(root, 'out'), { mode: 0o777 });
      fs.chmodSync(path.join(root, 'out'), 0o777);
    });

    describeAsRoot('as another user', () => {
      test('User= runs the service as that user and its primary group, with no capability, and its HOME', async () => {
        const out = path.join(root, 'out', 'user');
        writeUnit(root, 'etc/systemd/system', 'app.service', probe(out, ['User=flaskapp']));
        expect(await init.systemctl(['start', 'app'])).toMatchObject({ exitCode: 0 });
        const c = await credentials(out);
        expect(c).toMatchObject({ uid: NOBODY, gid: NOBODY, home: '/nonexistent' });
        expect([c.permitted, c.effective, c.ambient]).toEqual([0n, 0n, 0n]);
      });

      test('AmbientCapabilities=CAP_NET_BIND_SERVICE keeps that capability, and only it, for the unprivileged user', async () => {
        const out = path.join(root, 'out', 'caps');
        writeUnit(root, 'etc/systemd/system', 'app.service', probe(out, ['User=flaskapp', 'Group=flaskapp', 'AmbientCapabilities=CAP_NET_BIND_SERVICE']));
        expect(await init.systemctl(['start', 'app'])).toMatchObject({ exitCode: 0 });
        const c = await credentials(out);
        expect(c).toMatchObject({ uid: NOBODY, gid: NOBODY });
        expect([c.inheritable, c.permitted, c.effective, c.ambient]).toEqual(Array(4).fill(NET_BIND_SERVICE));
      });

      test('ExecStartPre= runs before the service, a + line as root; RuntimeDirectory= is the user\'s with its mode, and goes at stop', async () => {
        const out = path.join(root, 'out', 'pre');
        writeUnit(root, 'etc/systemd/system', 'app.service', [
          '[Service]', 'User=flaskapp', 'RuntimeDirectory=app', 'RuntimeDirectoryMode=0700',
          // The + line runs as root: it writes a file only root could, where the service then reads it.
          `ExecStartPre=+/bin/sh -c 'id -u > ${root}/run/app/pre-uid; chmod 0644 ${root}/run/app/pre-uid'`,
          `ExecStartPre=/bin/sh -c 'id -u > ${out}'`,
          'ExecStart=/bin/sleep 30',
        ]);
        expect(await init.systemctl(['start', 'app'])).toMatchObject({ exitCode: 0 });
        const dir = fs.statSync(path.join(root, 'run', 'app'));
        expect([dir.uid, dir.gid, (dir.mode % 0o1000).toString(8)]).toEqual([NOBODY, NOBODY, '700']);
        expect(fs.readFileSync(path.join(root, 'run', 'app', 'pre-uid'), 'utf-8')).toBe('0\n');
        expect(fs.readFileSync(out, 'utf-8')).toBe(`${NOBODY}\n`);
        await init.systemctl(['stop', 'app']);
        expect(fs.existsSync(path.join(root, 'run', 'app'))).toBe(false);
      });

      test('without User=, the service runs as root', async () => {
        const out = path.join(root, 'out', 'root');
        writeUnit(root, 'etc/systemd/system', 'app.service', probe(out, []));
        await init.systemctl(['start', 'app']);
        expect((await credentials(out)).uid).toBe(0);
      });
    });

    test('a User= or Group= the host does not have fails the start, as systemd does', async () => {
      writeUnit(root, 'etc/systemd/system', 'nouser.service', ['[Service]', 'ExecStart=/bin/sleep 30', 'User=nginx']);
      expect(await init.systemctl(['start', 'nouser'])).toEqual({ exitCode: 1, stdout: '', stderr: 'Failed to start nouser.service: User=nginx: no such user in the host (status=217/USER).\n' });
      writeUnit(root, 'etc/systemd/system', 'nogroup.service', ['[Service]', 'ExecStart=/bin/sleep 30', 'User=flaskapp', 'Group=www']);
      expect(await init.systemctl(['start', 'nogroup'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/Group=www: no such group in the host \(status=216\/GROUP\)/) });
      expect(supervisor.running).toEqual([]);
    });
  });
});
