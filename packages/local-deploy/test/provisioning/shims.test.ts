import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SHIMS_DIR } from '../../src/paths';
import { provisioningPackages } from '../../src/provisioning/packages';
import { describeWhen } from '../machine-requirements';

// The shims run inside a host, where the image layer puts them; here only what writes nothing outside a temporary folder.
const LIB = path.join(SHIMS_DIR, 'usr', 'lib', 'nlb-tiers-local');
// In a host the shims find their library at /usr/lib/nlb-tiers-local; here, through PYTHONPATH.
const python = (args: string[]) => spawnSync('/usr/bin/python3', args, { encoding: 'utf-8', env: { ...process.env, PYTHONPATH: LIB } });
const describeWithPython = describeWhen(fs.existsSync('/usr/bin/python3'), '/usr/bin/python3 (Debian package python3)');

/** Whether everyone may run the file (its mode is 0755 or wider). */
function isExecutable(file: string): boolean {
  return ['1', '3', '5', '7'].includes((fs.statSync(file).mode % 0o1000).toString(8).padStart(3, '0')[2]);
}

describe('the image layer', () => {
  test('presents Amazon Linux 2023, with the package managers, systemctl and python3 where that image has them', () => {
    const osRelease = fs.readFileSync(path.join(SHIMS_DIR, 'etc', 'os-release'), 'utf-8');
    expect(osRelease).toMatch(/^ID="amzn"$/m);
    expect(osRelease).toMatch(/^VERSION_ID="2023"$/m);
    for (const program of ['usr/bin/dnf', 'usr/bin/rpm', 'usr/bin/systemctl', 'usr/local/bin/python3', 'usr/lib/nlb-tiers-local/packages/httpd/root/usr/sbin/httpd',
      'usr/lib/nlb-tiers-local/packages/aws-cfn-bootstrap/root/opt/aws/bin/cfn-signal']) {
      expect(isExecutable(path.join(SHIMS_DIR, program))).toBe(true);
    }
    expect(fs.readlinkSync(path.join(SHIMS_DIR, 'usr', 'bin', 'yum'))).toBe('dnf');
  });

  test('the preflight installs every Debian package the shims map to, and Ansible', () => {
    expect(provisioningPackages()).toEqual(expect.arrayContaining(['ansible-core', 'apache2-bin', 'curl', 'python3', 'python3-flask', 'uwsgi-core', 'uwsgi-plugin-python3']));
  });
});

describeWithPython('the pip shim', () => {
  test('reads requirement names and requirements files as pip does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-pip-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '# app\nFlask==3.1.1\n-r other.txt\n\nrequests[socks] # http\n');
    const r = python(['-c', `import sys; sys.path.insert(0, ${JSON.stringify(LIB)}); import pip as p; print(p.project_name("Jinja2>=3"), p.project_name("python_dateutil"), p.read_requirements(${JSON.stringify(path.join(dir, 'requirements.txt'))}))`]);
    expect(r.stdout.trim()).toBe("jinja2 python-dateutil ['Flask==3.1.1', 'requests[socks]']");
  });

  test('a requirement without a Debian package installed fails, naming what to install; nothing is recorded', () => {
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-venv-'));
    const r = python([path.join(LIB, 'pip.py'), '--venv', venv, 'install', 'nlbt-no-such-project==1.0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Not installed on this machine: python3-nlbt-no-such-project\. A local host cannot download packages/);
    expect(python([path.join(LIB, 'pip.py'), '--venv', venv, 'list', '--format=freeze']).stdout).toBe('');
  });
});

describeWithPython('the dnf and rpm shims', () => {
  test('dnf fails on a package the local deploy does not know, as dnf does on one no repository has', () => {
    const r = python([path.join(SHIMS_DIR, 'usr', 'bin', 'dnf'), 'install', '-y', 'nginx']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^No match for argument: nginx\nError: Unable to find a match: nginx \(the local deploy knows these packages: .*httpd/);
  });

  test('rpm answers queries only', () => {
    expect(python([path.join(SHIMS_DIR, 'usr', 'bin', 'rpm'), '-ivh', 'x.rpm'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/only queries/) });
  });
});
