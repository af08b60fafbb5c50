import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode, LocalDeployError } from '../errors';
import { ResourceSignalError, ResourceSignals } from './resource-signals';
import { Topology } from '../model/topology';
import { HostProvisioning } from '../provisioning/association-runner';
import { describeFailure, describeProvisioning, ProvisioningError, provisioningParallelism, provisionHosts } from '../provisioning/run-provisioning';
import { BalancerTiming, balancerConfig, IMDS_ADDRESS, IMDS_LOCAL_PORT, forwarderAgent, healthCheckerAgent, imdsAgent } from '../runtime/agents';
import { TargetState } from '../runtime/balancer-rules';
import { killNamespaceProcesses, removeIfEmpty } from '../runtime/cleanup';
import { CFN_SIGNAL_SOCKET, ControlServer, SYSTEMD_SOCKET } from '../runtime/control-server';
import { listeningPorts, run, sleep, waitForListen } from '../runtime/exec';
import { applySecurityGroups, imdsRedirectRuleset, internetGatewayRuleset } from '../runtime/firewall';
import { InitSystem, journalFile, UnitAction } from '../runtime/init-system';
import { Machine, MachineDirs, prepareMachine } from '../runtime/machine';
import { DeploymentNames, RUN_ROOT } from '../runtime/naming';
import { Network } from '../runtime/network';
import { Publisher } from '../runtime/publisher';
import { ProcessSpec, Supervisor } from '../runtime/supervisor';

/** Options of {@link LocalDeployment.up}. */
export interface DeployOptions extends BalancerTiming {
  /** Port on 127.0.0.1 where the first Elastic IP's web server is published; 0 picks a free one. */
  readonly publishPort: number;
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

/** What a deployment writes to its state file, for stale cleanup, `reprovision` and tests that inspect it. */
export interface DeploymentState {
  readonly id: string;
  readonly ownerPid: number;
  readonly stackName: string;
  readonly namespaces: string[];
  readonly hosts: Array<{ name: string; instanceId: string; namespace: string; address: string; initPid?: number }>;
  readonly balancers: Array<{ name: string; namespace: string; address: string; stateFile: string; targetGroups: string[] }>;
  readonly processes: Array<{ name: string; namespace: string; pid: number; restarts: number }>;
  readonly endpoints: PublishedEndpoint[];
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
  private readonly network: Network;
  private readonly supervisor: Supervisor;
  private readonly publishers: Publisher[] = [];
  private readonly controlServers: ControlServer[] = [];
  private readonly initSystems: InitSystem[] = [];
  private readonly machines: Machine[] = [];
  private readonly createdNamespaces: string[] = [];
  /** CloudFormation's side of the hosts' cfn-signal. */
  public readonly signals: ResourceSignals;
  private downPromise?: Promise<void>;

  private constructor(private current: Topology, public readonly names: DeploymentNames, private readonly options: DeployOptions) {
    this.network = new Network(current, names);
    this.supervisor = new Supervisor(() => this.writeState(), line => options.log(line));
    this.signals = new ResourceSignals(current, line => options.log(line));
  }

  /** The topology the deployment runs: as brought up, or as an update left it. */
  public get topology(): Topology {
    return this.current;
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
    if (!this.downPromise) fs.writeFileSync(this.names.topologyFile, JSON.stringify(topology));
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
    };
  }

  /**
   * Stops every process of a host, as when its instance is terminated; its namespace goes with the
   * deployment. Used by scale-in once the host's target has drained.
   */
  public async stopHost(host: string): Promise<void> {
    await Promise.all(this.supervisor.running.filter(p => p.name.startsWith(`${host}/`)).map(p => this.supervisor.stop(p.name)));
  }

  /** Tears everything down; safe to call more than once and from signal handlers. */
  public down(): Promise<void> {
    this.downPromise ??= this.tearDown();
    return this.downPromise;
  }

  private async bringUp() {
    const { topology, names, options } = this;
    fs.mkdirSync(names.runDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(RUN_ROOT, 0o755);
    // The state file exists before the first namespace, so an interrupted run is always found again.
    this.writeState();
    // `reprovision` runs the associations of this deployment again from another process.
    fs.writeFileSync(names.topologyFile, JSON.stringify(topology));
    options.log(`Creating ${this.network.namespaces.length} namespaces (deployment ${names.id})`);
    this.network.up(ns => {
      this.createdNamespaces.push(ns);
      this.writeState();
    });

    const sw = names.switchNamespace;
    run('ip', ['netns', 'exec', sw, 'nft', '-f', '-'], { input: internetGatewayRuleset(topology, 'v-internet') });
    for (const h of topology.hosts) {
      applySecurityGroups(names.namespace(h.name), topology, h, false);
      run('ip', ['netns', 'exec', names.namespace(h.name), 'nft', '-f', '-'], { input: imdsRedirectRuleset(IMDS_ADDRESS, IMDS_LOCAL_PORT) });
    }
    for (const b of topology.balancers) applySecurityGroups(names.namespace(b.name), topology, b, true);

    await Promise.all(topology.hosts.map(h => this.startMachine(h)));
    for (const h of topology.hosts) {
      await this.startAndWait(imdsAgent(names.hostDir(h.name), names.namespace(h.name), h, topology), IMDS_ADDRESS, IMDS_LOCAL_PORT);
    }
    for (const b of topology.balancers) {
      const dir = names.hostDir(b.name);
      fs.mkdirSync(dir, { recursive: true });
      const config = balancerConfig(b, topology, this.balancerStateFile(b.name), options);
      this.supervisor.start(healthCheckerAgent(dir, names.namespace(b.name), b, config));
    }

    await this.provision();
    await this.publish();
    this.writeState();
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
    this.options.log(`Provisioning ${withAssociations.length} hosts (${provisioningParallelism()} at a time): ` +
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

  private balancerStateFile(balancer: string): string {
    return path.join(this.names.hostDir(balancer), 'targets.json');
  }

  private writeState() {
    if (this.downPromise || !fs.existsSync(this.names.runDir)) return;
    fs.writeFileSync(`${this.names.stateFile}.tmp`, JSON.stringify(this.state, null, 2));
    fs.renameSync(`${this.names.stateFile}.tmp`, this.names.stateFile);
  }
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
