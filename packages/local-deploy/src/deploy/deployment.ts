import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode, LocalDeployError } from '../errors';
import { unhealthyInstances } from './group-health';
import { ResourceSignalError, ResourceSignals } from './resource-signals';
import { drainConnections, listenersOf, setDeregistrations, waitForTargetState, writeRegistrations } from './target-registration';
import { AWS_API_ADDRESS, AWS_API_PORT } from '../aws-api';
import { freeAddress, launchedHost, launchSubnet, nextHostName, withHost, withoutHost } from '../model/auto-scaling';
import { Host, Topology } from '../model/topology';
import { HostProvisioning } from '../provisioning/association-runner';
import { describeFailure, describeProvisioning, ProvisioningError, provisionHosts } from '../provisioning/run-provisioning';
import { awsApiAgent, BalancerTiming, balancerConfig, IMDS_ADDRESS, IMDS_LOCAL_PORT, forwarderAgent, healthCheckerAgent, imdsAgent, proxyProcess } from '../runtime/agents';
import { BalancerConfig, TargetState } from '../runtime/balancer-rules';
import { killNamespaceProcesses, removeIfEmpty } from '../runtime/cleanup';
import { CFN_SIGNAL_SOCKET, ControlServer, SYSTEMD_SOCKET } from '../runtime/control-server';
import { listeningPorts, run, runIn, sleep, waitForListen } from '../runtime/exec';
import { applySecurityGroups, imdsRedirectRuleset, internetGatewayRuleset } from '../runtime/firewall';
import { InternetClient } from '../runtime/http-client';
import { InitSystem, journalFile, UnitAction } from '../runtime/init-system';
import { createLocalCa, issueCertificate, LocalCa } from '../runtime/local-ca';
import { Machine, MachineDirs, prepareMachine } from '../runtime/machine';
import { DeploymentNames, RUN_ROOT } from '../runtime/naming';
import { Network } from '../runtime/network';
import { Publisher } from '../runtime/publisher';
import { ProcessSpec, Supervisor } from '../runtime/supervisor';

/** Options of {@link LocalDeployment.up}. */
export interface DeployOptions extends BalancerTiming {
  /** Port on 127.0.0.1 where the first Elastic IP's web server is published; 0 picks a free one. */
  readonly publishPort: number;
  /**
   * The values of the SSM parameters and Secrets Manager secrets the hosts read (a JSON file
   * `{"ssmParameters": {...}, "secrets": {...}}`, read at each call: an edit is a rotation).
   * @default - none: every parameter and secret is missing
   */
  readonly secretValues?: string;
  readonly log: (line: string) => void;
}

/** A target's health as the balancer's health checker last wrote it. */
export interface TargetHealth {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly state: TargetState;
  readonly reason: string;
}

/** A published web server: its URL on this machine's loopback. */
export interface PublishedEndpoint {
  readonly host: string;
  readonly elasticIp: string;
  /** The port the web server serves on, behind the Elastic IP. */
  readonly servedPort: number;
  /** The port on 127.0.0.1. */
  readonly port: number;
  readonly url: string;
}

/** A site that an internet-facing load balancer serves, as a client on the Internet side reaches it. */
export interface InternetSite {
  /** The load balancer's logical id. */
  readonly balancer: string;
  /**
   * Its first forwarding listener's URL (the first HTTPS one, if any), by the first alias record
   * that targets the balancer, or else its DNS name.
   */
  readonly url: string;
  /** Its address on the Internet side. */
  readonly publicAddress: string;
  /** Where its clients run, and the CA they trust. */
  readonly client: InternetClient;
}

/** An instance that {@link LocalDeployment.launchInstances} launched. */
export interface LaunchedInstance {
  readonly host: string;
  readonly instanceId: string;
  readonly address: string;
  readonly subnet: string;
  readonly availabilityZone: string;
  /** Whether every association that targets it ran to the end on it. */
  readonly provisioned: boolean;
  /** What its associations' runs did. */
  readonly provisioning?: HostProvisioning;
  /** Whether all its targets became healthy (the balancers send it requests). */
  readonly inService: boolean;
  /** From its launch until its targets were healthy (or until it was given up on). */
  readonly seconds: number;
}

/** What a deployment writes to its state file, for stale cleanup, `reprovision` and tests that inspect it. */
export interface DeploymentState {
  readonly id: string;
  readonly ownerPid: number;
  readonly stackName: string;
  readonly namespaces: string[];
  readonly hosts: Array<{
    name: string;
    instanceId: string;
    namespace: string;
    address: string;
    /** Its Auto Scaling group, and when it was launched. */
    group?: string;
    launchedAt?: string;
    initPid?: number;
  }>;
  readonly balancers: Array<{ name: string; namespace: string; address: string; stateFile: string; targetGroups: string[] }>;
  readonly processes: Array<{ name: string; namespace: string; pid: number; restarts: number }>;
  readonly endpoints: PublishedEndpoint[];
  readonly sites: InternetSite[];
}

/** How long a host's init may take to set up its filesystem, and a server to start listening. */
const START_TIMEOUT_MS = 20_000;
/** How long a FAILURE signal's run gets to end, so that its output is reported with the signal. */
const FAILED_RUN_GRACE_MS = 30_000;

/**
 * A topology running on this machine. `up` brings it up in order (network, firewall, hosts with
 * their own filesystems, metadata, balancers, provisioning, publication) and, if any step fails,
 * tears down what it made before raising. `down` always leaves nothing: processes (by pid),
 * namespaces with their links, rules and mounts, /etc/netns folders and the run folder.
 */
export class LocalDeployment {
  /**
   * Brings a topology up. `onCreated` receives the deployment before anything is made, so a signal
   * handler can tear down a deployment that is still coming up.
   */
  public static async up(topology: Topology, options: DeployOptions,
    onCreated: (d: LocalDeployment) => void = () => undefined): Promise<LocalDeployment> {
    const deployment = new LocalDeployment(topology, new DeploymentNames(randomBytes(2).toString('hex')), options);
    onCreated(deployment);
    try {
      await deployment.bringUp();
    } catch (e) {
      await deployment.down();
      throw e;
    }
    return deployment;
  }

  public readonly endpoints: PublishedEndpoint[] = [];
  private current: Topology;
  private readonly network: Network;
  private readonly supervisor: Supervisor;
  private readonly publishers: Publisher[] = [];
  private readonly controlServers: ControlServer[] = [];
  private readonly initSystems: InitSystem[] = [];
  private readonly machines: Machine[] = [];
  /** The control servers of each host, closed when its instance is terminated. */
  private readonly hostServers = new Map<string, ControlServer[]>();
  private readonly createdNamespaces: string[] = [];
  /** When each host was launched; every name and address ever used (a new instance gets new ones). */
  private readonly launchedAt = new Map<string, number>();
  private readonly usedNames = new Set<string>();
  private readonly usedAddresses = new Set<string>();
  /** Instances being terminated: no longer counted as running, nor checked. */
  private readonly leaving = new Set<string>();
  /** Replacements under way, so that the health loop starts no second one. */
  private readonly replacements = new Map<string, Promise<void>>();
  private healthLoop?: Promise<void>;
  /** CloudFormation's side of the hosts' cfn-signal. */
  public readonly signals: ResourceSignals;
  private upProvisioning: HostProvisioning[] = [];
  private downPromise?: Promise<void>;
  /** The deployment's CA, which issues its certificates; clients are handed {@link caFile}. */
  private ca?: LocalCa;

  private constructor(topology: Topology, public readonly names: DeploymentNames, private readonly options: DeployOptions) {
    this.current = topology;
    for (const x of [...topology.hosts, ...topology.balancers]) {
      this.usedNames.add(x.name);
      this.usedAddresses.add(x.address);
    }
    this.network = new Network(topology, names);
    this.supervisor = new Supervisor(() => this.writeState(), line => options.log(line));
    this.signals = new ResourceSignals(topology, line => options.log(line));
  }

  /** What the deployment multiplies health-check intervals and signal timeouts by. */
  public get healthCheckTimeScale(): number {
    return this.options.healthCheckTimeScale;
  }

  /** The running host of this name. */
  public machine(host: string): Machine | undefined {
    return this.machines.find(m => m.host.name === host);
  }

  /**
   * Takes a topology that an update applied as the one the deployment runs, and writes it for the
   * commands that act on the deployment from another process.
   */
  public adopt(topology: Topology) {
    this.current = topology;
    this.writeTopology();
  }

  /** The topology as it runs now: the hosts Auto Scaling launched are in it, those it terminated are not; an update's new template. */
  public get topology(): Topology {
    return this.current;
  }

  /** The targets of every target group, by target group ARN, as the balancers see them now. */
  public targetHealth(): Record<string, TargetHealth[]> {
    const out: Record<string, TargetHealth[]> = {};
    for (const b of this.topology.balancers) {
      const file = this.balancerStateFile(b.name);
      if (!fs.existsSync(file)) continue;
      Object.assign(out, JSON.parse(fs.readFileSync(file, 'utf-8')).targetGroups);
    }
    return out;
  }

  /** Waits until every target of every balancer is healthy; false when the time is up. */
  public async waitForHealthyTargets(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const expected = this.topology.balancers.flatMap(b => b.listeners).reduce((n, l) => n + l.targetGroup.targets.length, 0);
    while (Date.now() < deadline) {
      const all = Object.values(this.targetHealth()).flat();
      if (all.length >= expected && all.every(t => t.state === 'healthy')) return true;
      await sleep(200);
    }
    return false;
  }

  /** The longest time the balancers need to mark every target healthy, with the scaled timing. */
  public get healthyWithinMs(): number {
    const checks = this.topology.balancers.flatMap(b => b.listeners).map(l => l.targetGroup.healthCheck);
    return Math.max(0, ...checks.map(hc => (hc.healthyThreshold + 1) * hc.intervalSeconds * 1000 * this.options.healthCheckTimeScale));
  }

  /** What the associations' runs did on every host while the deployment came up (none before). */
  public get provisioning(): readonly HostProvisioning[] {
    return this.upProvisioning;
  }

  /** The unit state changes that `systemctl` caused on every host so far. */
  public get unitActions(): UnitAction[] {
    return this.initSystems.flatMap(i => i.actions);
  }

  public get state(): DeploymentState {
    return {
      id: this.names.id,
      ownerPid: process.pid,
      stackName: this.topology.stackName,
      namespaces: [...this.createdNamespaces],
      hosts: this.topology.hosts.map(h => ({
        name: h.name,
        instanceId: h.instanceId,
        namespace: this.names.namespace(h.name),
        address: h.address,
        ...(this.topology.groups.some(g => g.logicalId === h.logicalId) ? { group: h.logicalId } : {}),
        ...(this.launchedAt.has(h.name) ? { launchedAt: new Date(this.launchedAt.get(h.name)!).toISOString() } : {}),
        initPid: this.machines.find(m => m.host.name === h.name)?.initPid,
      })),
      balancers: this.topology.balancers.map(b => ({
        name: b.name,
        namespace: this.names.namespace(b.name),
        address: b.address,
        stateFile: this.balancerStateFile(b.name),
        targetGroups: b.listeners.map(l => l.targetGroup.arn),
      })),
      processes: this.supervisor?.running ?? [],
      endpoints: this.endpoints,
      sites: this.sites,
    };
  }

  /**
   * Launches `count` new instances of an Auto Scaling group into the running deployment, as Auto
   * Scaling does for a scale-out or a replacement: each gets a new name, instance id and address, in
   * a subnet of the Availability Zone with the fewest of the group's instances; its namespace, link,
   * firewall, filesystem, metadata and hosts file; the associations whose targets match the tags
   * the group puts on it run on it, as State Manager applies an association to new instances that
   * match its targets; and it is registered with the group's target groups at once. The balancers
   * send it requests only once its target passed their health checks. Resolves when every new
   * instance is in service, or its provisioning failed, or its targets did not become healthy in
   * time (then it stays, as on AWS, for the group's health checks to deal with).
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-asg.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
   */
  public async launchInstances(group: string, count: number): Promise<LaunchedInstance[]> {
    const g = this.topology.groups.find(x => x.logicalId === group);
    if (!g) {
      throw new LocalDeployError(`${group} is not an Auto Scaling group of the deployment (its groups: ${this.topology.groups.map(x => x.logicalId).join(', ') || 'none'})`, ExitCode.DEPLOY_FAILED);
    }
    const running = this.runningInstances(group);
    if (!Number.isInteger(count) || count < 1 || running.length + count > g.maxSize) {
      throw new LocalDeployError(`${group} runs ${running.length} of at most ${g.maxSize} instances (its MaxSize): `
        + `launching needs a count from 1 to ${g.maxSize - running.length}, got ${count}`, ExitCode.DEPLOY_FAILED);
    }
    this.checkNotTornDown();
    const started = Date.now();
    const hosts: Host[] = [];
    for (let i = 0; i < count; i++) {
      const counted = { ...this.topology, hosts: this.topology.hosts.filter(h => !this.leaving.has(h.name)) };
      const subnet = launchSubnet(g, counted);
      const host = launchedHost(g, subnet, {
        name: nextHostName(g.role, this.usedNames),
        instanceId: `i-${randomBytes(9).toString('hex').slice(0, 17)}`,
        address: freeAddress(subnet, this.usedAddresses),
      });
      this.usedNames.add(host.name);
      this.usedAddresses.add(host.address);
      this.current = withHost(this.current, host);
      this.launchedAt.set(host.name, Date.now());
      hosts.push(host);
      this.options.log(`${group}: launching ${host.name} (${host.instanceId}) at ${host.address} in ${subnet.logicalId} (${subnet.availabilityZone})`);
      this.network.addHost(host, ns => {
        this.createdNamespaces.push(ns);
        this.writeState();
      });
      runIn(this.names.namespace(host.name), 'nft', ['-f', '-'], { input: imdsRedirectRuleset(IMDS_ADDRESS, IMDS_LOCAL_PORT) });
    }
    // The new addresses join their security groups: every member's rules that name those groups change.
    this.applyFirewall();
    this.writeTopology();
    this.writeState();
    await Promise.all(hosts.map(h => this.startMachine(h)));
    for (const h of hosts) await this.startHostAgents(h);
    writeRegistrations(this.topology, this.balancerFiles, this.options);
    this.writeState();

    const targets = this.machines.filter(m => hosts.some(h => h.name === m.host.name));
    const results = targets.some(m => m.host.associations.length > 0)
      ? await provisionHosts(targets, this.topology, this.names.runDir) : [];
    this.checkNotTornDown();
    for (const line of describeProvisioning(results)) this.options.log(line);
    for (const r of results.filter(x => !x.succeeded)) this.options.log(describeFailure(r));
    return Promise.all(hosts.map(async h => {
      const provisioning = results.find(r => r.host === h.name);
      const provisioned = provisioning?.succeeded ?? true;
      const inService = provisioned && await this.waitInService(h, this.healthyWithinMs + 10_000);
      const seconds = (Date.now() - started) / 1000;
      this.options.log(`${group}: ${h.name} (${h.instanceId}) ${inService ? 'in service' : provisioned ? 'did not become healthy' : 'failed its provisioning'} `
        + `${seconds.toFixed(1)}s after its launch`);
      return {
        host: h.name,
        instanceId: h.instanceId,
        address: h.address,
        subnet: h.subnet,
        availabilityZone: h.metadata.availabilityZone,
        provisioned,
        ...(provisioning ? { provisioning } : {}),
        inService,
        seconds,
      };
    }));
  }

  /**
   * Terminates an instance of an Auto Scaling group, as Auto Scaling does: it is deregistered from
   * its target groups (no new connection reaches it; ELB completes the deregistration once its
   * connections closed, or after the target group's deregistration delay, scaled), then its
   * processes stop, and its namespace, link, rules and folders are removed.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay
   */
  public async terminateInstance(host: string): Promise<void> {
    const h = this.topology.hosts.find(x => x.name === host);
    if (!h || !this.topology.groups.some(g => g.logicalId === h.logicalId)) {
      const instances = this.topology.hosts.filter(x => this.topology.groups.some(g => g.logicalId === x.logicalId)).map(x => x.name);
      throw new LocalDeployError(`${host} is not a running instance of an Auto Scaling group of the deployment (they are: ${instances.join(', ') || 'none'})`, ExitCode.DEPLOY_FAILED);
    }
    if (this.leaving.has(host)) throw new LocalDeployError(`${host} is already being terminated`, ExitCode.DEPLOY_FAILED);
    this.leaving.add(host);
    const listeners = listenersOf(this.topology, h);
    if (listeners.length > 0) {
      setDeregistrations(this.balancerFiles, [h], listeners, 'draining');
      // Until the balancers have taken the target out of their DNAT maps, new connections still come.
      await waitForTargetState(this.balancerFiles, [h.instanceId], 'draining');
      await drainConnections(this.names.namespace(host), listeners.map(l => l.listener.targetGroup), this.options.healthCheckTimeScale);
    }
    await this.powerOff(host);
    setDeregistrations(this.balancerFiles, [h], listeners, 'unused');
    this.current = withoutHost(this.current, host);
    writeRegistrations(this.topology, this.balancerFiles, this.options);
    this.network.removeHost(host);
    const created = this.createdNamespaces.indexOf(this.names.namespace(host));
    if (created >= 0) this.createdNamespaces.splice(created, 1);
    this.applyFirewall();
    const i = this.machines.findIndex(m => m.host.name === host);
    if (i >= 0) this.machines.splice(i, 1);
    fs.rmSync(this.names.hostDir(host), { recursive: true, force: true });
    this.leaving.delete(host);
    this.launchedAt.delete(host);
    this.writeTopology();
    this.writeState();
  }

  /**
   * Replaces an instance, as Auto Scaling replaces an unhealthy one: it terminates it and, while it
   * terminates, launches a new instance of its group (into the zone it leaves). Resolves with the new
   * instance once it is in service (or given up on).
   *
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/replace-unhealthy-instance.html
   */
  public async replaceInstance(host: string, reason = 'replaced on request'): Promise<LaunchedInstance> {
    const h = this.topology.hosts.find(x => x.name === host);
    if (!h) throw new LocalDeployError(`${host} is not a running instance of the deployment`, ExitCode.DEPLOY_FAILED);
    this.options.log(`${h.logicalId}: terminating ${host} (${h.instanceId}) and launching a replacement: ${reason}`);
    const terminated = this.terminateInstance(host);
    const [launched] = await Promise.all([this.launchInstances(h.logicalId, 1), terminated]);
    this.options.log(`${h.logicalId}: ${host} replaced by ${launched[0].host} (${launched[0].instanceId}), `
      + `${launched[0].inService ? 'in service' : 'not in service'} ${launched[0].seconds.toFixed(1)}s after its launch`);
    return launched[0];
  }

  /** The instances of a group that run and are not being terminated, oldest first. */
  public runningInstances(group: string): Host[] {
    return this.topology.hosts.filter(h => h.logicalId === group && !this.leaving.has(h.name));
  }

  /** Tears everything down; safe to call more than once and from signal handlers. */
  public down(): Promise<void> {
    this.downPromise ??= this.tearDown();
    return this.downPromise;
  }

  /**
   * Auto Scaling's health checks of every group's instances, until teardown: an instance whose
   * machine is down, or (under the ELB health check type, after the grace period) whose target is
   * unhealthy, is terminated and replaced. Checks at the pace of the fastest health check.
   */
  private watchGroups() {
    const intervals = this.topology.balancers.flatMap(b => b.listeners)
      .map(l => l.targetGroup.healthCheck.intervalSeconds * 1000 * this.options.healthCheckTimeScale);
    const everyMs = Math.max(100, Math.min(1000, ...intervals));
    this.healthLoop = (async () => {
      while (!this.downPromise) {
        await sleep(everyMs);
        if (this.downPromise) return;
        const health = Object.values(this.targetHealth()).flat();
        const views = this.topology.hosts
          .filter(h => this.topology.groups.some(g => g.logicalId === h.logicalId) && !this.leaving.has(h.name) && this.launchedAt.has(h.name))
          .filter(h => this.machines.some(m => m.host.name === h.name))
          .map(h => ({
            host: h.name,
            instanceId: h.instanceId,
            group: h.logicalId,
            launchedAt: this.launchedAt.get(h.name)!,
            running: this.supervisor.isRunning(`${h.name}/init`),
            targetStates: health.filter(t => t.id === h.instanceId).map(t => t.state),
          }));
        for (const u of unhealthyInstances(views, this.topology.groups, Date.now(), this.options.healthCheckTimeScale)) {
          if (this.replacements.has(u.host)) continue;
          // A machine that is down takes every process of the host with it.
          if (u.reason.startsWith('EC2')) await this.powerOff(u.host);
          const replacement = this.replaceInstance(u.host, u.reason).then(() => undefined, (e: Error) => {
            if (!this.downPromise) this.options.log(`${u.group}: the replacement of ${u.host} failed: ${e.message}`);
          }).finally(() => this.replacements.delete(u.host));
          this.replacements.set(u.host, replacement);
        }
      }
    })();
  }

  /** Stops every process of a host and what is left in its namespace, as when its machine goes down. */
  private async powerOff(host: string) {
    for (const s of this.hostServers.get(host) ?? []) await s.close();
    this.hostServers.delete(host);
    // Those waiting for their restart too: a restart after the host's folders are gone would fail.
    await this.supervisor.stopEvery(`${host}/`);
    killNamespaceProcesses(this.names.namespace(host));
  }

  /** Waits until every target of a host is healthy; false when the time is up. */
  private async waitInService(host: Host, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const expected = listenersOf(this.topology, host).length;
    while (Date.now() < deadline && !this.downPromise) {
      const states = Object.values(this.targetHealth()).flat().filter(t => t.id === host.instanceId).map(t => t.state);
      if (states.length >= expected && states.every(s => s === 'healthy')) return true;
      await sleep(100);
    }
    return false;
  }

  /** Every host's and balancer's security groups, loaded again (their peers' addresses change as instances come and go). */
  private applyFirewall() {
    for (const h of this.topology.hosts) applySecurityGroups(this.names.namespace(h.name), this.topology, h, false);
    for (const b of this.topology.balancers) applySecurityGroups(this.names.namespace(b.name), this.topology, b, true);
  }

  private get balancerFiles() {
    return { stateFile: (b: string) => this.balancerStateFile(b), targetHealth: () => this.targetHealth() };
  }

  /** The topology as it runs now, for commands that act on a live deployment (`reprovision`). */
  private writeTopology() {
    if (this.downPromise || !fs.existsSync(this.names.runDir)) return;
    fs.writeFileSync(`${this.names.topologyFile}.tmp`, JSON.stringify(this.topology));
    fs.renameSync(`${this.names.topologyFile}.tmp`, this.names.topologyFile);
  }

  private async bringUp() {
    const { topology, names, options } = this;
    fs.mkdirSync(names.runDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(RUN_ROOT, 0o755);
    // The state file exists before the first namespace, so an interrupted run is always found again.
    this.writeState();
    // `reprovision` runs the associations of this deployment again from another process.
    this.writeTopology();
    options.log(`Creating ${this.network.namespaces.length} namespaces (deployment ${names.id})`);
    this.network.up(ns => {
      this.createdNamespaces.push(ns);
      this.writeState();
    });

    const sw = names.switchNamespace;
    run('ip', ['netns', 'exec', sw, 'nft', '-f', '-'], { input: internetGatewayRuleset(topology, 'v-internet') });
    this.applyFirewall();
    for (const h of topology.hosts) {
      run('ip', ['netns', 'exec', names.namespace(h.name), 'nft', '-f', '-'], { input: imdsRedirectRuleset(IMDS_ADDRESS, IMDS_LOCAL_PORT) });
    }

    await Promise.all(topology.hosts.map(h => this.startMachine(h)));
    for (const h of topology.hosts) await this.startHostAgents(h);
    const certificates = this.issueCertificates();
    for (const b of topology.balancers) {
      const dir = names.hostDir(b.name);
      fs.mkdirSync(dir, { recursive: true });
      const config = balancerConfig(b, topology, this.balancerStateFile(b.name), options);
      const proxy = b.type === 'application' ? proxySettings(b, dir, certificates) : undefined;
      this.supervisor.start(healthCheckerAgent(dir, names.namespace(b.name), b, { ...config, ...(proxy ? { proxy } : {}) }));
      if (proxy) {
        await waitForFile(proxy.configFile, START_TIMEOUT_MS);
        this.supervisor.start(proxyProcess(dir, names.namespace(b.name), b, proxy.configFile));
      }
    }
    this.writeInternetHosts();
    // A restarted health checker takes the targets registered now from here.
    writeRegistrations(topology, this.balancerFiles, options);

    await this.provision();
    await this.publish();
    this.writeState();
    this.watchGroups();
  }

  /** A host's own filesystem (its init holds the mount namespace) and its init system's socket. */
  private async startMachine(host: Topology['hosts'][number]) {
    const { names } = this;
    const dir = names.hostDir(host.name);
    fs.mkdirSync(dir, { recursive: true });
    const spec = prepareMachine(dir, names.namespace(host.name), host);
    this.checkNotTornDown();
    this.supervisor.start(spec);
    const dirs = new MachineDirs(dir);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!fs.existsSync(dirs.readyFile)) {
      this.checkNotTornDown();
      if (this.supervisor.hasExited(spec.name) || Date.now() > deadline) {
        throw new LocalDeployError(`${host.name}: its filesystem could not be set up. Last lines of ${spec.logFile}:\n${tail(spec.logFile)}`, ExitCode.DEPLOY_FAILED);
      }
      await sleep(20);
    }
    const running = new Machine(host, spec.namespace, this.supervisor.pid(spec.name)!, dir);
    this.machines.push(running);
    if (!this.launchedAt.has(host.name)) this.launchedAt.set(host.name, Date.now());
    const journal = journalFile(dir);
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    const initSystem = new InitSystem(running, this.supervisor, journal);
    this.initSystems.push(initSystem);
    const onError = (e: Error) => this.options.log(`${host.name}: the local deploy failed to answer a program of the host:\n${e.stack}`);
    for (const server of [
      new ControlServer(path.join(running.dirs.control, SYSTEMD_SOCKET), 'systemctl', argv => initSystem.systemctl(argv), onError),
      new ControlServer(path.join(running.dirs.control, CFN_SIGNAL_SOCKET), 'cfn-signal', async argv => this.signals.receive(host, argv), onError),
    ]) {
      await server.listen();
      this.controlServers.push(server);
      this.hostServers.set(host.name, [...this.hostServers.get(host.name) ?? [], server]);
    }
  }

  /**
   * Runs every association and waits, as CloudFormation does, for the resource signals of every
   * CreationPolicy (its timeout scaled like the health checks). A FAILURE signal fails the
   * deployment at once, while other hosts may still be provisioning; so does a missing signal
   * once the timeout passes.
   */
  private async provision() {
    const withAssociations = this.machines.filter(m => m.host.associations.length > 0);
    if (withAssociations.length === 0 && this.topology.signals.length === 0) return;
    this.options.log(`Provisioning ${withAssociations.length} hosts, all at once: ` +
      'every association\'s document runs on its targets, as SSM Agent runs it');
    for (const p of this.topology.signals) {
      this.options.log(`  ${p.logicalId} waits for ${p.count} SUCCESS signals from ${p.hosts.join(', ') || 'no host'} ` +
        `within ${p.timeoutSeconds}s x${this.options.healthCheckTimeScale} (its CreationPolicy)`);
    }
    const started = Date.now();
    const signalled = this.signals.wait(this.options.healthCheckTimeScale);
    const done = new Map<string, HostProvisioning>();
    const provisioning = provisionHosts(this.machines, this.topology, this.names.runDir, r => done.set(r.host, r));
    // Whichever ends first: a failed CreationPolicy, or every run.
    const results = await Promise.race([provisioning, signalled.then(() => provisioning)]).catch(async (e: Error) => {
      // A FAILURE signal comes just before its run ends: report that run's output with it (bounded wait).
      const host = this.signals.received.find(s => s.status === 'FAILURE')?.host;
      const deadline = Date.now() + FAILED_RUN_GRACE_MS;
      while (host && !done.has(host) && Date.now() < deadline) await sleep(100);
      const hostRun = host ? done.get(host) : undefined;
      throw hostRun && !hostRun.succeeded && e instanceof ResourceSignalError
        ? new ResourceSignalError(`${e.message}\n\n${describeFailure(hostRun)}`, e.resource) : e;
    });
    this.checkNotTornDown();
    this.upProvisioning = results;
    for (const line of describeProvisioning(results)) this.options.log(line);
    const failed = results.filter(r => !r.succeeded);
    if (failed.length > 0) {
      // A failed run signals FAILURE before it exits: report the resource and the reason, with the run's own output.
      const signal = this.signals.failure;
      if (signal) throw new ResourceSignalError(`${signal.message}\n\n${failed.map(describeFailure).join('\n\n')}`, signal.resource);
      throw new ProvisioningError(results);
    }
    await signalled;
    for (const line of this.signals.describe()) this.options.log(line);
    const actions = this.unitActions.map(a => `${a.host} ${a.action} ${a.unit}`);
    this.options.log(`Provisioned in ${((Date.now() - started) / 1000).toFixed(1)}s; systemctl: ${actions.join(', ') || 'no unit started'}`);
  }

  /** Publishes each Elastic IP's ports that its security groups open to the Internet and that a server listens on. */
  private async publish() {
    const { names, options } = this;
    for (const h of this.topology.hosts.filter(x => x.elasticIp && x.publishedPorts.length > 0)) {
      const namespace = names.namespace(h.name);
      const deadline = Date.now() + START_TIMEOUT_MS;
      let ports: number[] = [];
      while ((ports = listeningPorts(namespace).filter(p => h.publishedPorts.includes(p))).length === 0) {
        this.checkNotTornDown();
        if (Date.now() > deadline) {
          throw new LocalDeployError(`${h.name}: nothing listens on ${h.publishedPorts.map(p => `port ${p}`).join(' or ')} ` +
            `(what its security groups open to the Internet) within ${START_TIMEOUT_MS / 1000}s after provisioning`, ExitCode.DEPLOY_FAILED);
        }
        await sleep(100);
      }
      for (const port of ports) {
        const socket = names.publishSocket(h.name, port);
        this.supervisor.start(forwarderAgent(names.runDir, names.internetNamespace, h, port, socket));
        await waitForFile(socket, START_TIMEOUT_MS);
        this.checkNotTornDown();
        const publisher = new Publisher(socket);
        this.publishers.push(publisher);
        const wanted = this.endpoints.length === 0 ? options.publishPort : 0;
        const local = await publisher.listen(wanted).catch((e: Error) => {
          throw new LocalDeployError(`Cannot publish ${h.name} on 127.0.0.1:${wanted}: ${e.message} (choose another with --publish-port)`, ExitCode.DEPLOY_FAILED);
        });
        this.endpoints.push({ host: h.name, elasticIp: h.elasticIp!, servedPort: port, port: local, url: `http://127.0.0.1:${local}/` });
        options.log(`${h.name}: Elastic IP ${h.elasticIp}:${port} published on http://127.0.0.1:${local}/`);
      }
    }
  }

  /** The services of AWS a host reaches without leaving its namespace: instance metadata, and the AWS APIs of its secrets. */
  private async startHostAgents(h: Host) {
    const dir = this.names.hostDir(h.name);
    const ns = this.names.namespace(h.name);
    await this.startAndWait(imdsAgent(dir, ns, h, this.topology), IMDS_ADDRESS, IMDS_LOCAL_PORT);
    await this.startAndWait(awsApiAgent(dir, ns, h, this.topology, this.options.secretValues), AWS_API_ADDRESS, AWS_API_PORT);
  }

  private async startAndWait(spec: ProcessSpec, address: string, port: number) {
    this.checkNotTornDown();
    this.supervisor.start(spec);
    if (!(await waitForListen(spec.namespace, address, port, START_TIMEOUT_MS, () => this.supervisor.hasExited(spec.name)))) {
      this.checkNotTornDown();
      throw new LocalDeployError(`${spec.name} did not listen on ${address}:${port} within ${START_TIMEOUT_MS / 1000}s. Last lines of ${spec.logFile}:\n${tail(spec.logFile)}`, ExitCode.DEPLOY_FAILED);
    }
  }

  /** A teardown may start while `up` waits (a signal): `up` stops there instead of going on. */
  private checkNotTornDown() {
    if (this.downPromise) throw new LocalDeployError('Interrupted while coming up', ExitCode.INTERRUPTED);
  }

  private async tearDown() {
    // A replacement under way stops at its next step (checkNotTornDown); what it made goes below.
    await this.healthLoop;
    for (const p of this.publishers) await p.close();
    for (const s of this.controlServers) await s.close();
    await this.supervisor.stopAll();
    // Processes the services left (a forked daemon, a provisioning step) die with their namespace's;
    // the hosts' mount namespaces go with their last process.
    for (const ns of this.network.namespaces) killNamespaceProcesses(ns);
    this.network.down();
    fs.rmSync(this.names.runDir, { recursive: true, force: true });
    removeIfEmpty(RUN_ROOT);
    removeIfEmpty('/etc/netns');
  }

  /** The certificate of the deployment's CA, when it has certificates: what its clients trust. */
  public get caFile(): string | undefined {
    return this.ca?.certificateFile;
  }

  /** The network namespace of the Internet side, where clients of internet-facing balancers run. */
  public get internetNamespace(): string {
    return this.names.internetNamespace;
  }

  /** Whether an Internet client reaches a balancer by name (an internet-facing one exists). */
  public get hasInternetFacingBalancers(): boolean {
    return this.topology.balancers.some(b => b.publicAddress);
  }

  /** A client on the Internet side: it runs in the Internet namespace and trusts the deployment's CA. */
  public get internetClient(): InternetClient {
    return { namespace: this.internetNamespace, ...(this.caFile ? { caFile: this.caFile } : {}) };
  }

  /** The sites of the internet-facing balancers that forward to targets. */
  public get sites(): InternetSite[] {
    const client = this.internetClient;
    return this.topology.balancers.filter(b => b.publicAddress && b.listeners.length > 0).map(b => {
      const listener = b.listeners.find(l => l.protocol === 'HTTPS') ?? b.listeners[0];
      const scheme = listener.protocol === 'HTTPS' ? 'https' : 'http';
      const port = listener.port === (scheme === 'https' ? 443 : 80) ? '' : `:${listener.port}`;
      return { balancer: b.logicalId, url: `${scheme}://${b.aliases[0] ?? b.dnsName}${port}/`, publicAddress: b.publicAddress!, client };
    });
  }

  /** Issues every certificate of the stack with a CA of this deployment (in its run folder); PEM files by logical id. */
  private issueCertificates(): Map<string, string> {
    if (this.topology.certificates.length === 0) return new Map();
    this.ca = createLocalCa(path.join(this.names.runDir, 'ca'), this.names.id);
    return new Map(this.topology.certificates.map(c => [c.logicalId, issueCertificate(this.ca!, c.logicalId, c.domainNames)]));
  }

  /**
   * The Internet namespace's /etc/hosts (`ip netns exec` mounts /etc/netns/<namespace>/hosts over
   * it): internet-facing balancers' names and alias records resolve to their public addresses.
   * Removed with the namespace (`removeNamespace`), at teardown or by `clean`.
   */
  private writeInternetHosts() {
    const entries = this.topology.balancers.filter(b => b.publicAddress)
      .flatMap(b => [b.dnsName, ...b.aliases].map(name => `${b.publicAddress} ${name}`));
    if (entries.length === 0) return;
    const dir = path.join('/etc/netns', this.names.internetNamespace);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hosts'), ['127.0.0.1 localhost', ...entries].join('\n') + '\n');
  }

  private balancerStateFile(balancer: string): string {
    return path.join(this.names.hostDir(balancer), 'targets.json');
  }

  private writeState() {
    if (this.downPromise || !fs.existsSync(this.names.runDir)) return;
    fs.writeFileSync(`${this.names.stateFile}.tmp`, JSON.stringify(this.state, null, 2));
    fs.renameSync(`${this.names.stateFile}.tmp`, this.names.stateFile);
  }
}

/** What the health checker of an Application Load Balancer needs to run its HTTP proxy. */
function proxySettings(b: Topology['balancers'][number], dir: string, certificates: Map<string, string>): NonNullable<BalancerConfig['proxy']> {
  const tlsOf = (tls: { certificate: string; minimumTlsVersion: '1.0' | '1.1' | '1.2' | '1.3' } | undefined) =>
    tls ? { pemFile: certificates.get(tls.certificate)!, minimumTlsVersion: tls.minimumTlsVersion } : undefined;
  return {
    address: b.address,
    pidFile: path.join(dir, 'haproxy.pid'),
    configFile: path.join(dir, 'haproxy.cfg'),
    tls: Object.fromEntries(b.listeners.filter(l => l.tls).map(l => [String(l.port), tlsOf(l.tls)!])),
    redirects: b.redirects.map(r => ({ port: r.port, redirect: r.redirect, ...(r.tls ? { tls: tlsOf(r.tls) } : {}) })),
  };
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8').trim().split('\n').slice(-15).join('\n') : '';
}

async function waitForFile(file: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new LocalDeployError(`${file} did not appear within ${timeoutMs / 1000}s`, ExitCode.DEPLOY_FAILED);
    await sleep(50);
  }
}
