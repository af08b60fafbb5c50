import * as fs from 'fs';
import * as path from 'path';
import { run, runIn } from './exec';
import { DeploymentNames } from './naming';
import { Topology } from '../model/topology';

/** A namespace that stands for a machine: a host or a balancer. */
interface Machine {
  readonly name: string;
  readonly subnet: string;
  readonly address: string;
}

/**
 * Builds the network: a switch namespace with one bridge per subnet (the VPC router at `.1`), a
 * namespace per host and balancer on its subnet's bridge, and an Internet namespace that reaches
 * only the Elastic IPs. Both ends of every link live inside the deployment's namespaces.
 */
export class Network {
  private readonly created: string[] = [];

  constructor(private readonly topology: Topology, private readonly names: DeploymentNames) {}

  /** Every namespace this deployment uses (created or not yet). */
  public get namespaces(): string[] {
    return [
      this.names.switchNamespace,
      this.names.internetNamespace,
      ...this.machines().map(m => this.names.namespace(m.name)),
    ];
  }

  public up(onCreated: (namespace: string) => void) {
    const sw = this.names.switchNamespace;
    for (const ns of this.namespaces) {
      run('ip', ['netns', 'add', ns]);
      this.created.push(ns);
      onCreated(ns);
      runIn(ns, 'ip', ['link', 'set', 'lo', 'up']);
    }
    run('ip', ['netns', 'exec', sw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);

    this.topology.subnets.forEach((subnet, i) => {
      const bridge = bridgeName(i);
      run('ip', ['-n', sw, 'link', 'add', bridge, 'type', 'bridge']);
      run('ip', ['-n', sw, 'addr', 'add', `${subnet.routerAddress}/${subnet.prefixLength}`, 'dev', bridge]);
      run('ip', ['-n', sw, 'link', 'set', bridge, 'up']);
    });

    for (const m of this.machines()) {
      const i = this.topology.subnets.findIndex(s => s.logicalId === m.subnet);
      const subnet = this.topology.subnets[i];
      this.link(`v-${m.name}`, this.names.namespace(m.name), `${m.address}/${subnet.prefixLength}`);
      run('ip', ['-n', sw, 'link', 'set', `v-${m.name}`, 'master', bridgeName(i)]);
      run('ip', ['-n', this.names.namespace(m.name), 'route', 'add', 'default', 'via', subnet.routerAddress]);
    }
    for (const b of this.topology.balancers) {
      run('ip', ['netns', 'exec', this.names.namespace(b.name), 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    for (const h of this.topology.hosts) {
      // The instance metadata stand-in listens here, on the host's own loopback.
      run('ip', ['-n', this.names.namespace(h.name), 'addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
    }

    const inet = this.topology.internet;
    const prefix = inet.cidr.split('/')[1];
    this.link('v-internet', this.names.internetNamespace, `${inet.clientAddress}/${prefix}`);
    run('ip', ['-n', sw, 'addr', 'add', `${inet.switchAddress}/${prefix}`, 'dev', 'v-internet']);
    for (const h of this.topology.hosts) {
      if (h.elasticIp) run('ip', ['-n', sw, 'addr', 'add', `${h.elasticIp}/32`, 'dev', 'v-internet']);
    }
    this.writeHostsFiles();
  }

  /** Removes the namespaces (which removes their links) and their /etc/netns folders. */
  public down() {
    for (const ns of this.namespaces) removeNamespace(ns);
  }

  private link(switchEnd: string, namespace: string, cidr: string) {
    const sw = this.names.switchNamespace;
    run('ip', ['-n', sw, 'link', 'add', switchEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    run('ip', ['-n', sw, 'link', 'set', switchEnd, 'up']);
    run('ip', ['-n', namespace, 'addr', 'add', cidr, 'dev', 'eth0']);
    run('ip', ['-n', namespace, 'link', 'set', 'eth0', 'up']);
  }

  /** `ip netns exec` mounts /etc/netns/<ns>/hosts over /etc/hosts: each host resolves the NLB's name. */
  private writeHostsFiles() {
    for (const h of this.topology.hosts) {
      const ns = this.names.namespace(h.name);
      const dir = path.join('/etc/netns', ns);
      fs.mkdirSync(dir, { recursive: true });
      const lines = ['127.0.0.1 localhost', `${h.address} ${h.name}`, ...h.hostsEntries.map(e => `${e.address} ${e.name}`)];
      fs.writeFileSync(path.join(dir, 'hosts'), lines.join('\n') + '\n');
    }
  }

  private machines(): Machine[] {
    return [...this.topology.hosts, ...this.topology.balancers];
  }
}

function bridgeName(subnetIndex: number): string {
  return `br${subnetIndex}`;
}

/** Deletes one namespace and its /etc/netns folder, if they exist. */
export function removeNamespace(namespace: string) {
  run('ip', ['netns', 'del', namespace], { allowFailure: true });
  fs.rmSync(path.join('/etc/netns', namespace), { recursive: true, force: true });
}

/** Names of the namespaces that exist now. */
export function listNamespaces(): string[] {
  return run('ip', ['netns', 'list'], { allowFailure: true }).stdout.split('\n').map(l => l.split(' ')[0]).filter(Boolean);
}

/** Pids of the processes in a namespace (`ip netns pids` leaves out zombies). */
export function namespacePids(namespace: string): number[] {
  return run('ip', ['netns', 'pids', namespace], { allowFailure: true }).stdout.split('\n').filter(Boolean).map(Number);
}
