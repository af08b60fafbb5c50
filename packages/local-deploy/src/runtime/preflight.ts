import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode, LocalDeployError } from '../errors';
import { hasProgram, run } from './exec';
import { removeNamespace } from './network';

/** Debian packages every local deployment needs, whatever it runs (util-linux: unshare, nsenter). */
export const BASE_PACKAGES = ['iproute2', 'nftables', 'util-linux'];

/** Fails with a clear message when this is not a Linux machine or the tool is not root. */
export function checkMachine(packages: string[]) {
  if (process.platform !== 'linux') {
    throw new LocalDeployError(`The local deploy needs Linux (network namespaces, nftables); this is ${process.platform}. Nothing was started.`, ExitCode.UNSUPPORTED_MACHINE);
  }
  if (process.getuid?.() !== 0) {
    const missing = missingPackages(packages);
    const install = missing.length > 0 ? `\nIt also needs these Debian packages: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}` : '';
    throw new LocalDeployError(`The local deploy needs root (it creates network namespaces and firewall rules): run it with sudo. Nothing was started.${install}`, ExitCode.UNSUPPORTED_MACHINE);
  }
}

/** Packages of the list that dpkg does not report as installed. */
export function missingPackages(packages: string[]): string[] {
  return packages.filter(p => {
    const r = run('dpkg-query', ['-W', '-f=${Status}', p], { allowFailure: true });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/**
 * Installs the missing packages with apt-get (root only). Their services are kept from starting
 * (policy-rc.d), so no system-wide Apache or uWSGI appears on this machine.
 */
export function ensurePackages(packages: string[], log: (line: string) => void) {
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  if (!hasProgram('apt-get')) {
    throw new LocalDeployError(`Missing packages and no apt-get to install them: ${missing.join(' ')}`, ExitCode.MISSING_PACKAGES);
  }
  log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = 'DEBIAN_FRONTEND=noninteractive';
  const script = [
    'set -e',
    'created=0',
    "if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created=1; fi",
    'trap \'[ "$created" = 1 ] && rm -f /usr/sbin/policy-rc.d\' EXIT',
    `${env} apt-get install -y -q --no-install-recommends ${missing.join(' ')} || { apt-get update -q && ${env} apt-get install -y -q --no-install-recommends ${missing.join(' ')}; }`,
  ].join('\n');
  const r = run('sh', ['-c', script], { allowFailure: true, timeoutMs: 600_000 });
  const still = missingPackages(packages);
  if (r.status !== 0 || still.length > 0) {
    throw new LocalDeployError(`apt-get could not install ${still.join(' ')}:\n${r.stderr.trim().split('\n').slice(-10).join('\n')}`, ExitCode.MISSING_PACKAGES);
  }
}

/**
 * Tries, in a throwaway namespace, every kernel feature a deployment uses: namespaces, veth,
 * bridges and nftables NAT with a hashed DNAT map. Reports the first that is missing.
 */
export function probeKernel() {
  const ns = `nlbtprobe${process.pid}`;
  const layers = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-probe-'));
  fs.mkdirSync(path.join(layers, 'upper'));
  fs.mkdirSync(path.join(layers, 'work'));
  const steps: Array<[string, string[], string?]> = [
    ['network namespaces', ['ip', 'netns', 'add', ns]],
    ['veth pairs', ['ip', '-n', ns, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']],
    ['bridges', ['ip', '-n', ns, 'link', 'add', 'probebr', 'type', 'bridge']],
    ['nftables NAT with a hashed DNAT map', ['ip', 'netns', 'exec', ns, 'nft', '-f', '-'],
      'table ip probe {\n chain p { type nat hook prerouting priority dstnat; tcp dport 1 dnat ip to jhash ip saddr mod 1 map { 0 : 10.0.0.1 . 1 }; }\n chain o { type nat hook postrouting priority srcnat; ct status dnat snat ip to 10.0.0.2; }\n}\n'],
    ['nftables filtering', ['ip', 'netns', 'exec', ns, 'nft', '-f', '-'],
      'table inet probe {\n chain i { type filter hook prerouting priority -150; ct state established accept; counter drop; }\n}\n'],
    ['private mount namespaces with overlayfs (a host\'s own /etc, /usr, /var)', ['ip', 'netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', '--',
      'mount', '-t', 'overlay', 'nlbt-probe', '-o', `lowerdir=/etc,upperdir=${layers}/upper,workdir=${layers}/work`, '/etc']],
  ];
  try {
    for (const [feature, [cmd, ...args], input] of steps) {
      const r = run(cmd, args, { input, allowFailure: true });
      if (r.status !== 0) {
        throw new LocalDeployError(`This kernel lacks a feature the local deploy needs: ${feature} (${r.stderr.trim()}). Nothing was started.`, ExitCode.UNSUPPORTED_MACHINE);
      }
    }
  } finally {
    removeNamespace(ns);
    fs.rmSync(layers, { recursive: true, force: true });
  }
}
