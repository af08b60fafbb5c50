import * as fs from 'fs';
import * as path from 'path';
import { ProcessSpec } from './supervisor';
import { AWS_API_ENVIRONMENT } from '../aws-api';
import { Host } from '../model/topology';
import { SHIMS_DIR } from '../paths';

/** Where a host sees its own control folder (the init system's socket). */
export const HOST_CONTROL_DIR = '/run/nlb-tiers-local';

/** Folders of this machine that a host sees through a copy-on-write layer of its own. */
const OVERLAID = ['etc', 'usr', 'var'];
/** Folders a host gets empty and private. */
const PRIVATE_EMPTY = [{ dir: 'opt', mode: '0755' }, { dir: 'tmp', mode: '1777' }, { dir: 'root', mode: '0700' }];

/**
 * The script the "init" of a host runs inside its network namespace and new, private mount and
 * UTS namespaces: this machine's /etc, /usr and /var under a writable layer of the host's own, empty
 * /opt, /tmp and /root, and a /run of its own in which only the host's control folder is shared
 * with the tool. Then it waits; everything of the host enters its namespaces. When its last
 * process exits, the mount namespace and all of it go away: nothing is mounted outside.
 * Arguments: the host's filesystem folder (layers) and its control folder.
 */
export function hostInitScript(): string {
  return [
    'set -euo pipefail',
    'fs=$1 control=$2',
    ...OVERLAID.map(d => `mount -t overlay nlbt-${d} -o "lowerdir=/${d},upperdir=$fs/${d}/upper,workdir=$fs/${d}/work" /${d}`),
    ...PRIVATE_EMPTY.map(({ dir, mode }) => `mount -t tmpfs -o mode=${mode} nlbt-${dir} /${dir}`),
    // Its own host name (in its own UTS namespace), which its hosts file resolves: nothing waits for DNS.
    'hostname "$(cat /etc/hostname)"',
    // /run hides the tool's folders: hold the control folder in the host's own /var, then move it back in.
    'hold=/var/lib/nlb-tiers-local-control',
    'mkdir -p "$hold"',
    'mount --bind "$control" "$hold"',
    'mount -t tmpfs -o mode=0755 nlbt-run /run',
    `mkdir -p ${HOST_CONTROL_DIR} /run/lock /run/user`,
    `mount --move "$hold" ${HOST_CONTROL_DIR}`,
    'rmdir "$hold"',
    `touch ${HOST_CONTROL_DIR}/ready`,
    'exec sleep infinity',
  ].join('\n');
}

/** The folders of a host's machine in the deployment folder. */
export class MachineDirs {
  constructor(private readonly hostDir: string) {}

  /** Copy-on-write layers of the host's /etc, /usr and /var. */
  public get fs(): string {
    return path.join(this.hostDir, 'fs');
  }

  /** Shared with the host as /run/nlb-tiers-local: the init system's socket. */
  public get control(): string {
    return path.join(this.hostDir, 'control');
  }

  public get readyFile(): string {
    return path.join(this.control, 'ready');
  }
}

/**
 * Writes what the host's layers start with: the image layer (shims/etc, shims/usr: os-release, the
 * package managers, systemctl, python3 and the Ansible module that use this machine's Debian
 * packages), and the host's own name and hosts file. Returns the init process to supervise.
 */
export function prepareMachine(hostDir: string, namespace: string, host: Host): ProcessSpec {
  const dirs = new MachineDirs(hostDir);
  for (const d of OVERLAID) {
    fs.mkdirSync(path.join(dirs.fs, d, 'upper'), { recursive: true });
    fs.mkdirSync(path.join(dirs.fs, d, 'work'), { recursive: true });
  }
  fs.mkdirSync(dirs.control, { recursive: true });
  fs.cpSync(path.join(SHIMS_DIR, 'etc'), path.join(dirs.fs, 'etc', 'upper'), { recursive: true, verbatimSymlinks: true });
  fs.cpSync(path.join(SHIMS_DIR, 'usr'), path.join(dirs.fs, 'usr', 'upper'), { recursive: true, verbatimSymlinks: true });
  const hostname = `ip-${host.address.replace(/\./g, '-')}.${host.metadata.availabilityZone.replace(/[a-z]$/, '')}.compute.internal`;
  fs.writeFileSync(path.join(dirs.fs, 'etc', 'upper', 'hostname'), `${hostname}\n`);
  const hosts = ['127.0.0.1 localhost', `${host.address} ${hostname} ${host.name}`, ...host.hostsEntries.map(e => `${e.address} ${e.name}`)];
  fs.writeFileSync(path.join(dirs.fs, 'etc', 'upper', 'hosts'), hosts.join('\n') + '\n');
  // Every service of the host reaches the AWS API stand-ins (systemd-system.conf(5), DefaultEnvironment=).
  const systemConf = path.join(dirs.fs, 'etc', 'upper', 'systemd', 'system.conf.d');
  fs.mkdirSync(systemConf, { recursive: true });
  fs.writeFileSync(path.join(systemConf, 'nlb-tiers-local.conf'),
    `[Manager]\nDefaultEnvironment=${Object.entries(AWS_API_ENVIRONMENT).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  return {
    name: `${host.name}/init`,
    namespace,
    command: ['ip', 'netns', 'exec', namespace, 'unshare', '--mount', '--uts', '--propagation', 'private', '--',
      '/bin/bash', '-c', hostInitScript(), 'host-init', dirs.fs, dirs.control],
    logFile: path.join(hostDir, 'init.log'),
    restart: { restart: 'no', restartSeconds: 0 },
    killSignal: 'SIGKILL',
  };
}

/** A running host: how to enter its namespaces and reach its files. */
export class Machine {
  constructor(public readonly host: Host, public readonly namespace: string, public readonly initPid: number, public readonly hostDir: string) {}

  /** A command line that runs `argv` inside the host (network, mount and UTS namespaces), exec'ing in place. */
  public enter(argv: string[], workingDirectory = '/'): string[] {
    return ['nsenter', `--target=${this.initPid}`, '--mount', '--net', '--uts', `--wdns=${workingDirectory}`, '--', ...argv];
  }

  /** A path of the host's filesystem as this process reaches it. */
  public path(inHost: string): string {
    return path.join(`/proc/${this.initPid}/root`, inHost);
  }

  public get dirs(): MachineDirs {
    return new MachineDirs(this.hostDir);
  }
}
