import { parseServiceUnit } from '../../src/model/systemd-unit';

describe('parseServiceUnit', () => {
  test('reads Restart=, RestartSec= and KillSignal=', () => {
    const unit = parseServiceUnit('[Unit]\nDescription=x\n[Service]\nExecStart=/bin/x\nRestart=on-failure\nRestartSec=3\nKillSignal=SIGQUIT\n');
    expect(unit).toEqual({ execStart: '/bin/x', restart: { restart: 'on-failure', restartSeconds: 3 }, killSignal: 'SIGQUIT' });
  });

  test('applies systemd\'s defaults', () => {
    expect(parseServiceUnit('[Service]\nExecStart=/bin/x\n')).toEqual({ execStart: '/bin/x', restart: { restart: 'no', restartSeconds: 0.1 }, killSignal: 'SIGTERM' });
    expect(parseServiceUnit('[Service]\nRestart=always\nRestartSec=500ms\n').restart).toEqual({ restart: 'always', restartSeconds: 0.5 });
  });

  test('refuses a Restart= it does not emulate', () => {
    expect(() => parseServiceUnit('[Service]\nRestart=on-watchdog\n')).toThrow(/Restart=on-watchdog is not supported locally/);
  });
});
