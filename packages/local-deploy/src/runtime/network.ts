import * as fs from 'fs';
import * as path from 'path';
import { run, runIn } from './exec';
import { DeploymentNames } from './naming';
import { Host, Topology } from '../model/topology';

/** A namespace that stands for a machine: a host or a balancer. */
interface Machine {
  readonly name: string;
  readonly subnet: string;
  readonly address: string;
}

/**
 * Builds the network: a switch namespace with one bridge per subnet (the VPC router at `.1`), a
 * namespace per host and balancer on its subnet's bridge, and an Internet namespace that reaches
 * only the Elastic IPs. Both ends of every link live inside the deployment's namespaces. Hosts
 * join and leave a running network as Auto Scaling launches and terminates instances.
 */
export class Network {
  private readonly machines: Machine[];

  constructor(private readonly topology: Topology, private readonly names: DeploymentNames) {
    this.machines = [...topology.hosts, ...topology.balancers];
  }

  /** Every namespace this deployment uses now (created or not yet). */
  public get namespaces(): string[] {
    return [
      this.names.switchNamespace,
      this.names.internetNamespace,
      ...this.machines.map(m => this.names.namespace(m.name)),
    ];
  }

  public up(onCreated: (namespace: string) => void) {
    const sw = this.names.switchNamespace;
    for (const ns of [sw, this.names.internetNamespace]) this.addNamespace(ns, onCreated);
    run('ip', ['netns', 'exec', sw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);

    this.topology.subnets.forEach((subnet, i) => {
      const bridge = bridgeName(i);
      run('ip', ['-n', sw, 'link', 'add', bridge, 'type', 'bridge']);
      run('ip', ['-n', sw, 'addr', 'add', `${subnet.routerAddress}/${subnet.prefixLength}`, 'dev', bridge]);
      run('ip', ['-n', sw, 'link', 'set', bridge, 'up']);
    });

    for (const m of this.machines) this.attach(m, onCreated);
    for (const b of this.topology.balancers) {
      run('ip', ['netns', 'exec', this.names.namespace(b.name), 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    for (const h of this.topology.hosts) this.prepareHost(h);

    const inet = this.topology.internet;
    const prefix = inet.cidr.split('/')[1];
    this.link('v-internet', this.names.internetNamespace, `${inet.clientAddress}/${prefix}`);
    run('ip', ['-n', sw, 'addr', 'add', `${inet.switchAddress}/${prefix}`, 'dev', 'v-internet']);
    for (const h of this.topology.hosts) {
      if (h.elasticIp) run('ip', ['-n', sw, 'addr', 'add', `${h.elasticIp}/32`, 'dev', 'v-internet']);
    }
    for (const b of this.topology.balancers) {
      if (b.publicAddress) run('ip', ['-n', sw, 'addr', 'add', `${b.publicAddress}/32`, 'dev', 'v-internet']);
    }
  }

  /** Adds a host (of no Elastic IP) to the running network: its namespace, link, route, metadata address and hosts file. */
  public addHost(host: Host, onCreated: (namespace: string) => void) {
    if (host.elasticIp) throw new Error(`${host.name}: a host with an Elastic IP joins only when the network comes up`);
    this.machines.push(host);
    this.attach(host, onCreated);
    this.prepareHost(host);
  }

  /** Removes a host's namespace (its link goes with it) and its /etc/netns folder. */
  public removeHost(name: string) {
    const i = this.machines.findIndex(m => m.name === name);
    if (i < 0) return;
    removeNamespace(this.names.namespace(name));
    this.machines.splice(i, 1);
  }

  /** Removes the namespaces (which removes their links) and their /etc/netns folders. */
  public down() {
    for (const ns of this.namespaces) removeNamespace(ns);
  }

  private addNamespace(ns: string, onCreated: (namespace: string) => void) {
    run('ip', ['netns', 'add', ns]);
    onCreated(ns);
    runIn(ns, 'ip', ['link', 'set', 'lo', 'up']);
  }

  /** A machine's namespace, on its subnet's bridge, with its default route through the router. */
  private attach(m: Machine, onCreated: (namespace: string) => void) {
    const ns = this.names.namespace(m.name);
    this.addNamespace(ns, onCreated);
    const i = this.topology.subnets.findIndex(s => s.logicalId === m.subnet);
    const subnet = this.topology.subnets[i];
    this.link(`v-${m.name}`, ns, `${m.address}/${subnet.prefixLength}`);
    run('ip', ['-n', this.names.switchNamespace, 'link', 'set', `v-${m.name}`, 'master', bridgeName(i)]);
    run('ip', ['-n', ns, 'route', 'add', 'default', 'via', subnet.routerAddress]);
  }

  /**
   * The instance metadata stand-in listens on 169.254.169.254 on the host's own loopback; `ip netns
   * exec` mounts /etc/netns/<ns>/hosts over /etc/hosts, so each host resolves the NLB's name.
   */
  private prepareHost(h: Host) {
    const ns = this.names.namespace(h.name);
    run('ip', ['-n', ns, 'addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
    const dir = path.join('/etc/netns', ns);
    fs.mkdirSync(dir, { recursive: true });
    const lines = ['127.0.0.1 localhost', `${h.address} ${h.name}`, ...h.hostsEntries.map(e => `${e.address} ${e.name}`)];
    fs.writeFileSync(path.join(dir, 'hosts'), lines.join('\n') + '\n');
  }

  private link(switchEnd: string, namespace: string, cidr: string) {
    const sw = this.names.switchNamespace;
    run('ip', ['-n', sw, 'link', 'add', switchEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    run('ip', ['-n', sw, 'link', 'set', switchEnd, 'up']);
    run('ip', ['-n', namespace, 'addr', 'add', cidr, 'dev', 'eth0']);
    run('ip', ['-n', namespace, 'link', 'set', 'eth0', 'up']);
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
