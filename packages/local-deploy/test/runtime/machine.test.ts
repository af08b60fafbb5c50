import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mapStack } from '../../src/model/map-stack';
import { hostInitScript, Machine, prepareMachine } from '../../src/runtime/machine';
import { readStack, REFERENCE } from '../fixtures';

const [web] = mapStack(readStack(REFERENCE)).hosts;

/** Whether everyone may run the file (its mode is 0755 or wider). */
function isExecutable(file: string): boolean {
  return ['1', '3', '5', '7'].includes((fs.statSync(file).mode % 0o1000).toString(8).padStart(3, '0')[2]);
}

describe('hostInitScript', () => {
  const script = hostInitScript();

  test('layers of its own over /etc, /usr and /var; empty /opt, /tmp, /root; a /run of its own', () => {
    for (const d of ['etc', 'usr', 'var']) expect(script).toContain(`-o "lowerdir=/${d},upperdir=$fs/${d}/upper,workdir=$fs/${d}/work" /${d}`);
    for (const d of ['opt', 'tmp', 'root', 'run']) expect(script).toMatch(new RegExp(`mount -t tmpfs -o mode=\\d+ nlbt-${d} /${d}\\n`));
  });

  test('only the control folder is shared with the tool, at the path the systemctl shim knows', () => {
    expect(script).toContain('mount --move "$hold" /run/nlb-tiers-local');
    expect(script).toMatch(/touch \/run\/nlb-tiers-local\/ready\nexec sleep infinity$/);
  });
});

describe('prepareMachine', () => {
  test('seeds the layers with the image, the host name and the hosts file; the init runs in new mount and UTS namespaces', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-machine-'));
    const spec = prepareMachine(dir, 'nlbt-x-web1', web);
    expect(fs.readFileSync(path.join(dir, 'fs', 'etc', 'upper', 'hostname'), 'utf-8')).toBe('ip-10-0-0-10.local-1.compute.internal\n');
    expect(fs.readFileSync(path.join(dir, 'fs', 'etc', 'upper', 'hosts'), 'utf-8')).toContain(`${web.hostsEntries[0].address} ${web.hostsEntries[0].name}\n`);
    expect(fs.existsSync(path.join(dir, 'fs', 'usr', 'upper', 'bin', 'systemctl'))).toBe(true);
    expect(isExecutable(path.join(dir, 'fs', 'usr', 'upper', 'bin', 'dnf'))).toBe(true);
    expect(spec.command.slice(0, 10)).toEqual(['ip', 'netns', 'exec', 'nlbt-x-web1', 'unshare', '--mount', '--uts', '--propagation', 'private', '--']);
    expect(spec.name).toBe('web1/init');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Machine', () => {
  test('enters the host\'s namespaces by its init\'s pid and reaches its files through it', () => {
    const machine = new Machine(web, 'nlbt-x-web1', 4242, '/run/x/web1');
    expect(machine.enter(['httpd', '-t'], '/tmp')).toEqual(['nsenter', '--target=4242', '--mount', '--net', '--uts', '--wdns=/tmp', '--', 'httpd', '-t']);
    expect(machine.path('/etc/httpd/conf/httpd.conf')).toBe('/proc/4242/root/etc/httpd/conf/httpd.conf');
  });
});
