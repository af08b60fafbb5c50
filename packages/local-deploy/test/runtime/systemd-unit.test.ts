import { commandLine, commandPrefixes, parseEnvironmentFile, parseServiceUnit } from '../../src/runtime/systemd-unit';

describe('parseServiceUnit', () => {
  test('reads ExecStartPre= and ExecReload= lines in order (an empty one resets them), and RuntimeDirectoryMode=', () => {
    const unit = parseServiceUnit(['[Service]', 'ExecStartPre=+/bin/a', 'ExecStartPre=/bin/b', 'ExecReload=/bin/x', 'ExecReload=', 'ExecReload=/bin/c', 'ExecReload=/bin/d $MAINPID',
      'RuntimeDirectory=app', 'RuntimeDirectoryMode=0700', 'ExecStart=/bin/s'].join('\n'));
    expect([unit.execStartPre, unit.execReload, unit.runtimeDirectoryMode]).toEqual([['+/bin/a', '/bin/b'], ['/bin/c', '/bin/d $MAINPID'], 0o700]);
    expect(() => parseServiceUnit('[Service]\nRuntimeDirectoryMode=rwx\n')).toThrow(/RuntimeDirectoryMode=rwx is not an access mode \(emulated: an octal mode such as 0700\)/);
  });

  test('command prefixes: + is full privileges, - ignores a failure, ! is refused', () => {
    expect(commandPrefixes('+/bin/a')).toEqual({ fullPrivileges: true, ignoreFailure: false });
    expect(commandPrefixes('-+/bin/a')).toEqual({ fullPrivileges: true, ignoreFailure: true });
    expect(commandPrefixes('@/bin/a b')).toEqual({ fullPrivileges: false, ignoreFailure: false });
    expect(() => commandPrefixes('!/bin/a')).toThrow(/the prefix ! of '!\/bin\/a' is not emulated locally \(emulated: \+, -, @, :\)/);
    expect(commandLine('+/bin/a x', {})).toEqual(['/bin/a', 'x']);
  });

  test('reads what the init system runs: ExecStart=, ExecReload=, Environment=, Restart=, RestartSec=, KillSignal=, WantedBy=', () => {
    const unit = parseServiceUnit([
      '[Unit]', 'Description=The Apache HTTP Server',
      '[Service]', 'Type=notify', 'Environment=LANG=C', 'EnvironmentFile=-/etc/sysconfig/httpd',
      'ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND', 'ExecReload=/usr/sbin/httpd $OPTIONS -k graceful',
      'Restart=on-failure', 'RestartSec=3', 'KillSignal=SIGWINCH', 'RuntimeDirectory=httpd',
      '[Install]', 'WantedBy=multi-user.target',
    ].join('\n'));
    expect(unit).toEqual({
      description: 'The Apache HTTP Server',
      type: 'notify',
      execStart: '/usr/sbin/httpd $OPTIONS -DFOREGROUND',
      execStartPre: [],
      execReload: ['/usr/sbin/httpd $OPTIONS -k graceful'],
      environment: { LANG: 'C' },
      environmentFiles: ['-/etc/sysconfig/httpd'],
      workingDirectory: undefined,
      runtimeDirectories: ['httpd'],
      runtimeDirectoryMode: 0o755,
      restart: { restart: 'on-failure', restartSeconds: 3 },
      timeoutStartSeconds: 90,
      killSignal: 'SIGWINCH',
      wantedBy: ['multi-user.target'],
      user: undefined,
      group: undefined,
      ambientCapabilities: [],
    });
  });

  test('reads User=, Group= and AmbientCapabilities= (lines add up, an empty one resets)', () => {
    const unit = parseServiceUnit([
      '[Service]', 'ExecStart=/bin/x', 'User=flaskapp', 'Group=flaskapp',
      'AmbientCapabilities=CAP_SYS_NICE', 'AmbientCapabilities=', 'AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW', 'AmbientCapabilities=CAP_NET_RAW',
    ].join('\n'));
    expect(unit).toMatchObject({ user: 'flaskapp', group: 'flaskapp', ambientCapabilities: ['CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'] });
  });

  test('fails on an AmbientCapabilities= it does not emulate, naming what it does', () => {
    expect(() => parseServiceUnit('[Service]\nAmbientCapabilities=~CAP_NET_RAW\n')).toThrow(/AmbientCapabilities=~CAP_NET_RAW is not emulated locally \(emulated: a list of capability names/);
  });

  test('applies systemd\'s defaults', () => {
    expect(parseServiceUnit('[Service]\nExecStart=/bin/x\n')).toMatchObject({ type: 'simple', restart: { restart: 'no', restartSeconds: 0.1 }, killSignal: 'SIGTERM', wantedBy: [] });
    expect(parseServiceUnit('[Service]\nRestart=always\nRestartSec=500ms\n').restart).toEqual({ restart: 'always', restartSeconds: 0.5 });
  });

  test('reads TimeoutStartSec= (else TimeoutSec=), which also bounds ExecReload=; 0 and infinity are no limit', () => {
    const timeout = (lines: string) => parseServiceUnit(`[Service]\nExecStart=/bin/x\n${lines}`).timeoutStartSeconds;
    expect(timeout('')).toBe(90);
    expect(timeout('TimeoutSec=20\n')).toBe(20);
    expect(timeout('TimeoutSec=20\nTimeoutStartSec=500ms\n')).toBe(0.5);
    expect(timeout('TimeoutStartSec=2min\n')).toBe(120);
    expect(timeout('TimeoutStartSec=infinity\n')).toBe(Infinity);
    expect(timeout('TimeoutStartSec=0\n')).toBe(Infinity);
    expect(() => timeout('TimeoutStartSec=1h 30min\n')).toThrow(/TimeoutStartSec=1h 30min is not a duration the local init system reads \(emulated: a number with ms, s, sec or min\)/);
  });

  test('fails on a Restart= it does not emulate', () => {
    expect(() => parseServiceUnit('[Service]\nRestart=on-watchdog\n')).toThrow(/Restart=on-watchdog is not emulated locally/);
  });
});

describe('commandLine', () => {
  test('a bare $VAR becomes its words, none when unset; ${VAR} is replaced inside a word; quotes group', () => {
    expect(commandLine('/usr/sbin/httpd $OPTIONS -DFOREGROUND', {})).toEqual(['/usr/sbin/httpd', '-DFOREGROUND']);
    expect(commandLine('/usr/sbin/httpd $OPTIONS -DFOREGROUND', { OPTIONS: '-e debug -X' })).toEqual(['/usr/sbin/httpd', '-e', 'debug', '-X', '-DFOREGROUND']);
    expect(commandLine('-/bin/kill -HUP ${MAINPID}', { MAINPID: '42' })).toEqual(['/bin/kill', '-HUP', '42']);
    expect(commandLine('/bin/sh -c "echo a b"', {})).toEqual(['/bin/sh', '-c', 'echo a b']);
  });

  test('reads environment files', () => {
    expect(parseEnvironmentFile('# httpd\nOPTIONS="-e debug"\n\nLANG=C\n')).toEqual({ OPTIONS: '-e debug', LANG: 'C' });
  });
});
