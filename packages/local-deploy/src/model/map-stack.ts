import { StackArtifact, TemplateResource } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { ExitCode, LocalDeployError } from '../errors';
import { readPlaybookAsset } from './app-fleet-provisioning';
import { hostAddress, parseCidr } from './ipv4';
import { LocalIdentities } from './local-identities';
import { resourceKind } from './resource-kinds';
import { mapSecurityGroups } from './security-groups';
import { Balancer, Host, IgnoredResource, Listener, Service, Subnet, TargetGroup, Topology, UnsupportedResource } from './topology';
import { readWebServerScript } from './web-server-provisioning';

/** Options of {@link mapStack}. */
export interface MapStackOptions {
  /** The region the local deployment reports. @default 'local-1' */
  readonly region?: string;
  /** The account the local deployment reports. @default '123456789012' */
  readonly accountId?: string;
  /** Exports of stacks deployed before this one. */
  readonly imports?: Record<string, string>;
}

/** Raised when a stack has resources the local deploy cannot run; lists every one of them. */
export class UnsupportedResourcesError extends LocalDeployError {
  constructor(public readonly stackName: string, public readonly resources: UnsupportedResource[]) {
    super([
      `The stack ${stackName} has ${resources.length} resource(s) the local deploy cannot run; nothing was started:`,
      ...resources.map(r => `  - ${r.logicalId} (${r.type}): ${r.reason}`),
    ].join('\n'), ExitCode.UNSUPPORTED_RESOURCES);
  }
}

/** The Internet side: TEST-NET-3 (RFC 5737), which exists only inside the deployment's namespaces. */
const INTERNET = { cidr: '203.0.113.0/24', switchAddress: '203.0.113.1', clientAddress: '203.0.113.2', firstElasticIp: 10 };
/** Host addresses start here in each subnet (AWS reserves the first four; .1 is the router). */
const FIRST_HOST_OFFSET = 10;
/** NLB health check defaults for TCP target groups. */
const NLB_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 5, unhealthyThreshold: 2 };

/**
 * Maps one stack of a cloud assembly to the {@link Topology} of its local deployment. Pure: reads
 * the template and the asset folders, starts nothing. Every resource that cannot be run locally
 * is collected and reported at once in an {@link UnsupportedResourcesError}.
 */
export function mapStack(stack: StackArtifact, options: MapStackOptions = {}): Topology {
  return new StackMapper(stack, options).map();
}

type Attributes = Record<string, unknown>;

class StackMapper {
  private readonly resources: Record<string, TemplateResource>;
  private readonly ids: LocalIdentities;
  private readonly resolver: IntrinsicResolver;
  private readonly refs = new Map<string, unknown>();
  private readonly attributes = new Map<string, Attributes>();
  private readonly unsupported: UnsupportedResource[] = [];
  private readonly ignored: IgnoredResource[] = [];
  private readonly nextOffset = new Map<string, number>();
  private readonly subnets: Subnet[] = [];
  private readonly roleCounters = new Map<string, number>();
  private nextElasticIp = INTERNET.firstElasticIp;

  constructor(private readonly stack: StackArtifact, options: MapStackOptions) {
    this.resources = stack.template.Resources ?? {};
    this.ids = new LocalIdentities(stack.stackName, options.region ?? 'local-1', options.accountId ?? '123456789012');
    this.resolver = new IntrinsicResolver({
      region: this.ids.region,
      accountId: this.ids.accountId,
      stackName: stack.stackName,
      ref: id => this.refs.get(id),
      getAtt: (id, attribute) => this.attributes.get(id)?.[attribute],
      importValue: name => options.imports?.[name],
    });
  }

  public map(): Topology {
    this.classify();
    for (const [name, p] of Object.entries(this.stack.template.Parameters ?? {})) this.refs.set(name, p.Default);

    const vpcs = this.ofType('AWS::EC2::VPC');
    if (vpcs.length !== 1) {
      throw new LocalDeployError(`The stack ${this.stack.stackName} has ${vpcs.length} VPCs; the local deploy runs exactly one`, ExitCode.UNSUPPORTED_RESOURCES);
    }
    const [vpcId, vpc] = vpcs[0];
    const vpcCidr = this.resolver.resolveString(vpc.Properties?.CidrBlock);
    this.identify(vpcId, this.ids.resourceId('vpc', vpcId), { VpcId: this.ids.resourceId('vpc', vpcId), CidrBlock: vpcCidr });

    this.mapSubnets();
    for (const [id] of this.ofType('AWS::EC2::SecurityGroup')) {
      const groupId = this.ids.resourceId('sg', id);
      this.identify(id, groupId, { GroupId: groupId, VpcId: this.refs.get(vpcId) });
    }
    for (const [id] of this.ofType('AWS::EC2::LaunchTemplate')) {
      const ltId = this.ids.resourceId('lt', id);
      this.identify(id, ltId, { LaunchTemplateId: ltId, LatestVersionNumber: '1', DefaultVersionNumber: '1' });
    }
    for (const [id] of this.ofType('AWS::EC2::Instance')) {
      this.identify(id, this.ids.instanceId(id), { InstanceId: this.ids.instanceId(id) });
    }
    for (const [id] of this.ofType('AWS::AutoScaling::AutoScalingGroup')) this.identify(id, this.ids.autoScalingGroupName(id), {});
    const balancerIds = this.identifyLoadBalancers();
    this.identifyIgnored();

    const roles = this.hostRoles();
    const hosts = [...this.mapInstances(roles), ...this.mapAutoScalingGroups(roles)];
    this.mapElasticIps(hosts);
    const balancers = balancerIds.map(id => this.guard(id, () => this.mapBalancer(id, hosts))).filter((b): b is Balancer => !!b);
    const servicesByHost = this.mapAssociations(hosts);

    const securityGroups = this.guard('SecurityGroups', () => mapSecurityGroups(this.stack.template, this.resolver, groupId =>
      this.ofType('AWS::EC2::SecurityGroup').map(([id]) => id).find(id => this.refs.get(id) === groupId))) ?? [];

    if (this.unsupported.length > 0) throw new UnsupportedResourcesError(this.stack.stackName, this.unsupported);

    const hostsEntries = balancers.map(b => ({ name: b.dnsName, address: b.address }));
    const { outputs, exports } = this.mapOutputs();
    return {
      stackName: this.stack.stackName,
      region: this.ids.region,
      vpcCidr,
      subnets: this.subnets,
      securityGroups,
      hosts: hosts.map(h => ({ ...h, hostsEntries, services: servicesByHost.get(h.name) ?? [] })),
      balancers,
      internet: { cidr: INTERNET.cidr, switchAddress: INTERNET.switchAddress, clientAddress: INTERNET.clientAddress },
      outputs,
      exports,
      ignored: this.ignored,
    };
  }

  private classify() {
    for (const [id, r] of Object.entries(this.resources)) {
      const kind = resourceKind(id, r);
      if (!kind) this.unsupported.push({ logicalId: id, type: r.Type, reason: 'no local equivalent' });
      else if (kind.kind === 'ignored') this.ignored.push({ logicalId: id, type: r.Type, reason: kind.reason });
    }
  }

  private mapSubnets() {
    for (const [id, r] of this.ofType('AWS::EC2::Subnet')) {
      const p = this.resolver.resolve(r.Properties ?? {});
      const cidr = p.CidrBlock as string;
      const subnetId = this.ids.resourceId('subnet', id);
      const tags: Array<{ Key: string; Value: string }> = p.Tags ?? [];
      const subnet: Subnet = {
        logicalId: id,
        cidr,
        prefixLength: parseCidr(cidr).prefixLength,
        routerAddress: hostAddress(cidr, 1),
        availabilityZone: p.AvailabilityZone ?? this.resolver.availabilityZones[0],
        isPublic: p.MapPublicIpOnLaunch === true || p.MapPublicIpOnLaunch === 'true' || tags.some(t => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Public'),
      };
      this.subnets.push(subnet);
      this.identify(id, subnetId, { SubnetId: subnetId, AvailabilityZone: subnet.availabilityZone, CidrBlock: cidr });
    }
  }

  private identifyLoadBalancers(): string[] {
    for (const [id, r] of this.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const arn = this.ids.loadBalancerArn(id);
      this.identify(id, arn, {
        DNSName: this.ids.loadBalancerDnsName(id),
        LoadBalancerArn: arn,
        LoadBalancerName: this.ids.loadBalancerName(id),
        LoadBalancerFullName: arn.split(':loadbalancer/')[1],
        CanonicalHostedZoneID: 'ZLOCAL0000000',
      });
      if (r.Properties?.Type !== 'network') this.unsupport(id, r, `load balancer type "${r.Properties?.Type ?? 'application'}": only network load balancers are emulated`);
      else if (r.Properties?.Scheme !== 'internal') this.unsupport(id, r, 'an internet-facing NLB: only internal ones are emulated');
    }
    for (const [id] of this.ofType('AWS::ElasticLoadBalancingV2::TargetGroup')) {
      const arn = this.ids.targetGroupArn(id);
      this.identify(id, arn, { TargetGroupArn: arn, TargetGroupFullName: arn.split(':targetgroup/')[1], TargetGroupName: id.slice(0, 24) });
    }
    for (const [id, r] of this.ofType('AWS::ElasticLoadBalancingV2::Listener')) {
      const lb = this.logicalIdOf(r.Properties?.LoadBalancerArn) ?? id;
      const arn = this.ids.listenerArn(id, lb);
      this.identify(id, arn, { ListenerArn: arn });
    }
    return this.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').map(([id]) => id);
  }

  /** Ignored resources still get values, in case something refers to them (e.g. a log bucket's name). */
  private identifyIgnored() {
    for (const { logicalId } of this.ignored) {
      const name = `${this.stack.stackName}-${logicalId}`.toLowerCase().slice(0, 63);
      this.identify(logicalId, name, new Proxy({}, {
        get: (_t, attribute) => attribute === 'Arn' ? this.ids.arn('local', name) : `${name}.${String(attribute)}`,
      }));
    }
    for (const [id] of this.ofType('AWS::SSM::Association')) this.identify(id, this.ids.resourceId('assoc', id), {});
  }

  /** Names hosts after what their provisioning makes of them: web servers, app servers, plain VMs. */
  private hostRoles(): Map<string, string> {
    const roles = new Map<string, string>();
    for (const [id, r] of this.ofType('AWS::SSM::Association')) {
      const document = this.documentKind(r);
      const role = document === 'AWS-RunShellScript' ? 'web' : document === 'playbook' ? 'app' : undefined;
      if (!role) continue;
      for (const target of this.guard(id, () => this.associationTargets(r)) ?? []) roles.set(target, role);
    }
    return roles;
  }

  private associationTargets(r: TemplateResource): string[] {
    const targets: Array<{ Key: string; Values: string[] }> = this.resolver.resolve(r.Properties?.Targets ?? []);
    const out: string[] = [];
    for (const t of targets) {
      if (t.Key === 'InstanceIds' || t.Key === 'tag:aws:autoscaling:groupName') {
        for (const v of t.Values) {
          const id = [...this.refs.entries()].find(([, ref]) => ref === v)?.[0];
          if (!id) throw new Error(`the association targets ${v}, which is not in the stack`);
          out.push(id);
        }
      } else {
        throw new Error(`association target key "${t.Key}": only InstanceIds and tag:aws:autoscaling:groupName are supported`);
      }
    }
    return out;
  }

  private mapInstances(roles: Map<string, string>): Host[] {
    const hosts: Host[] = [];
    for (const [id, r] of this.ofType('AWS::EC2::Instance')) {
      const host = this.guard(id, () => {
        const p = this.resolver.resolve(r.Properties ?? {});
        if (p.SecurityGroups) throw new Error('SecurityGroups by name (EC2-Classic style) is not supported; use SecurityGroupIds');
        const subnet = this.subnetOf(p.SubnetId);
        const lt = this.launchTemplateData(p.LaunchTemplate);
        const name = this.hostName(roles.get(id) ?? 'vm');
        const groups = p.SecurityGroupIds ?? lt.SecurityGroupIds ?? [];
        return this.host(id, name, this.ids.instanceId(id), subnet, groups, p.InstanceType ?? lt.InstanceType, lt);
      });
      if (host) {
        this.attributes.get(id)!.PrivateIp = host.address;
        this.attributes.get(id)!.AvailabilityZone = host.metadata.availabilityZone;
        hosts.push(host);
      }
    }
    return hosts;
  }

  private mapAutoScalingGroups(roles: Map<string, string>): Host[] {
    const hosts: Host[] = [];
    for (const [id, r] of this.ofType('AWS::AutoScaling::AutoScalingGroup')) {
      hosts.push(...this.guard(id, () => {
        const p = this.resolver.resolve(r.Properties ?? {});
        if (!p.LaunchTemplate) throw new Error('only Auto Scaling groups with a LaunchTemplate are supported (no MixedInstancesPolicy or LaunchConfiguration)');
        const lt = this.launchTemplateData(p.LaunchTemplate);
        const capacity = Number(p.DesiredCapacity ?? p.MinSize);
        const subnets: Subnet[] = (p.VPCZoneIdentifier ?? []).map((s: string) => this.subnetOf(s));
        if (subnets.length === 0) throw new Error('VPCZoneIdentifier is empty');
        const role = roles.get(id) ?? 'asg';
        // Instances are spread over the group's subnets in turn, as Auto Scaling balances AZs.
        return Array.from({ length: capacity }, (_, i) => this.host(id, this.hostName(role), this.ids.instanceId(id, i),
          subnets[i % subnets.length], lt.SecurityGroupIds ?? [], lt.InstanceType, lt));
      }) ?? []);
    }
    return hosts;
  }

  private host(logicalId: string, name: string, instanceId: string, subnet: Subnet, groupIds: string[],
    instanceType: string | undefined, lt: any): Host {
    const address = this.allocate(subnet);
    return {
      name,
      logicalId,
      instanceId,
      subnet: subnet.logicalId,
      address,
      securityGroups: groupIds.map(g => this.logicalIdOf(g) ?? g),
      metadata: {
        instanceId,
        tokensRequired: lt.MetadataOptions?.HttpTokens === 'required',
        instanceType: instanceType ?? 'm5.large',
        availabilityZone: subnet.availabilityZone,
        localIpv4: address,
      },
      hostsEntries: [],
      services: [],
    };
  }

  private launchTemplateData(spec: any): any {
    if (!spec) return {};
    const match = this.ofType('AWS::EC2::LaunchTemplate').find(([id, r]) =>
      (spec.LaunchTemplateId && this.refs.get(id) === spec.LaunchTemplateId) ||
      (spec.LaunchTemplateName && r.Properties?.LaunchTemplateName === spec.LaunchTemplateName));
    if (!match) throw new Error(`its launch template ${JSON.stringify(spec)} is not in the stack`);
    return this.resolver.resolve(match[1].Properties?.LaunchTemplateData ?? {});
  }

  private mapElasticIps(hosts: Host[]) {
    for (const [id, r] of this.ofType('AWS::EC2::EIP')) {
      const instanceId = r.Properties?.InstanceId ? this.guard(id, () => this.resolver.resolveString(r.Properties!.InstanceId)) : undefined;
      const host = hosts.find(h => h.instanceId === instanceId);
      const ip = hostAddress(INTERNET.cidr, this.nextElasticIp++);
      this.identify(id, ip, { PublicIp: ip, AllocationId: this.ids.resourceId('eipalloc', id) });
      if (host) {
        Object.assign(host, { elasticIp: ip, metadata: { ...host.metadata, publicIpv4: ip } });
        const attrs = this.attributes.get(host.logicalId);
        if (attrs) attrs.PublicIp = ip;
      } else if (!instanceId) {
        this.ignored.push({ logicalId: id, type: r.Type, reason: 'an Elastic IP of a NAT gateway: no local host reaches the Internet' });
      }
    }
  }

  private mapBalancer(id: string, hosts: Host[]): Balancer {
    const p = this.resolver.resolve(this.resources[id].Properties ?? {});
    const subnetIds: string[] = p.Subnets ?? (p.SubnetMappings ?? []).map((m: any) => m.SubnetId);
    if (subnetIds.length === 0) throw new Error('the load balancer has no subnets');
    // One balancer host in the first subnet stands in for the NLB's nodes in every subnet.
    const subnet = this.subnetOf(subnetIds[0]);
    const listeners: Listener[] = [];
    for (const [listenerId, r] of this.ofType('AWS::ElasticLoadBalancingV2::Listener')) {
      const lp = this.resolver.resolve(r.Properties ?? {});
      if (lp.LoadBalancerArn !== this.refs.get(id)) continue;
      if (lp.Protocol !== 'TCP') throw new Error(`listener ${listenerId} uses ${lp.Protocol}: only TCP listeners are emulated`);
      const forward = (lp.DefaultActions ?? []).find((a: any) => a.Type === 'forward');
      const tgArn = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
      const tgId = this.logicalIdOf(tgArn);
      if (!tgId) throw new Error(`listener ${listenerId} does not forward to a target group of the stack`);
      listeners.push({ logicalId: listenerId, port: Number(lp.Port), targetGroup: this.mapTargetGroup(tgId, hosts) });
    }
    return {
      name: `nlb${this.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').findIndex(([i]) => i === id) + 1}`,
      logicalId: id,
      dnsName: this.attributes.get(id)!.DNSName as string,
      arn: this.refs.get(id) as string,
      subnet: subnet.logicalId,
      address: this.allocate(subnet),
      securityGroups: (p.SecurityGroups ?? []).map((g: string) => this.logicalIdOf(g) ?? g),
      listeners,
    };
  }

  private mapTargetGroup(id: string, hosts: Host[]): TargetGroup {
    const p = this.resolver.resolve(this.resources[id].Properties ?? {});
    const attributes: Record<string, string> = Object.fromEntries((p.TargetGroupAttributes ?? []).map((a: any) => [a.Key, String(a.Value)]));
    if (p.Protocol !== 'TCP') throw new Error(`target group ${id} uses ${p.Protocol}: only TCP is emulated`);
    if ((p.TargetType ?? 'instance') !== 'instance') throw new Error(`target group ${id} has target type ${p.TargetType}: only instance targets are emulated`);
    if ((p.HealthCheckProtocol ?? 'TCP') !== 'TCP') throw new Error(`target group ${id} checks health with ${p.HealthCheckProtocol}: only TCP health checks are emulated`);
    // Instance targets preserve the client IP unless the attribute turns it off (the default is true).
    const preserveClientIp = (attributes['preserve_client_ip.enabled'] ?? 'true') === 'true';
    if (preserveClientIp) {
      throw new Error(`target group ${id} preserves client IPs: the local balancer always translates the source address (set preserve_client_ip.enabled to false)`);
    }
    const arn = this.refs.get(id);
    const registered = new Set<string>((p.Targets ?? []).map((t: any) => t.Id));
    const targets = hosts.filter(h => registered.has(h.instanceId) ||
      (this.resources[h.logicalId].Type === 'AWS::AutoScaling::AutoScalingGroup' &&
        (this.resolver.resolve(this.resources[h.logicalId].Properties?.TargetGroupARNs ?? []) as string[]).includes(arn as string)));
    const port = Number(p.Port);
    return {
      logicalId: id,
      arn: arn as string,
      port,
      preserveClientIp,
      healthCheck: {
        port: !p.HealthCheckPort || p.HealthCheckPort === 'traffic-port' ? port : Number(p.HealthCheckPort),
        intervalSeconds: Number(p.HealthCheckIntervalSeconds ?? NLB_DEFAULTS.intervalSeconds),
        timeoutSeconds: Number(p.HealthCheckTimeoutSeconds ?? NLB_DEFAULTS.timeoutSeconds),
        healthyThreshold: Number(p.HealthyThresholdCount ?? NLB_DEFAULTS.healthyThreshold),
        unhealthyThreshold: Number(p.UnhealthyThresholdCount ?? NLB_DEFAULTS.unhealthyThreshold),
      },
      targets: targets.map(h => h.name),
    };
  }

  private mapAssociations(hosts: Host[]): Map<string, Service[]> {
    const services = new Map<string, Service[]>();
    for (const [id, r] of this.ofType('AWS::SSM::Association')) {
      this.guard(id, () => {
        const targets = new Set(this.associationTargets(r));
        const targetHosts = hosts.filter(h => targets.has(h.logicalId));
        const service = this.associationService(id, r);
        for (const h of targetHosts) services.set(h.name, [...services.get(h.name) ?? [], service]);
      });
    }
    return services;
  }

  /**
   * What an association runs: `AWS-RunShellScript`, or `playbook` for a Command document of the
   * stack that downloads a playbook archive and runs it (the app fleet's own document).
   */
  private documentKind(r: TemplateResource): string | undefined {
    const name = r.Properties?.Name;
    if (typeof name === 'string') return name;
    const document = typeof name?.Ref === 'string' ? this.stack.template.Resources?.[name.Ref] : undefined;
    if (document?.Type !== 'AWS::SSM::Document') return undefined;
    const actions = (document.Properties?.Content?.mainSteps ?? []).map((step: { action: string }) => step.action);
    return actions.join(',') === 'aws:downloadContent,aws:runShellScript' ? 'playbook' : undefined;
  }

  private associationService(id: string, r: TemplateResource): Service {
    const document = this.documentKind(r);
    const params = this.resolver.resolve(r.Properties?.Parameters ?? {});
    if (document === 'AWS-RunShellScript') {
      const script = readWebServerScript(params.commands ?? []);
      if (!script) throw new Error('a shell script that does not write an nlb-tiers proxy configuration: the local deploy cannot tell what it does');
      return {
        kind: 'apache',
        source: id,
        listenPort: script.listenPort,
        proxyConfig: script.proxyConfig,
        // The distribution's httpd unit has no Restart=.
        restart: { restart: 'no', restartSeconds: 0 },
      };
    }
    if (document === 'playbook') {
      const sourcePath: string = JSON.parse(params.SourceInfo[0]).path;
      const objectKey = sourcePath.split('/').pop()!;
      const asset = this.stack.assets.find(a => a.objectKeys.includes(objectKey));
      if (!asset) throw new Error(`the playbook ${sourcePath} is not an asset of this assembly`);
      const fleet = readPlaybookAsset(asset.sourcePath, 'playbook.yml');
      if (Array.isArray(fleet)) throw new Error(fleet.join('; '));
      return {
        kind: 'uwsgi',
        source: id,
        assetDir: fleet.assetDir,
        appSourceDir: fleet.appSourceDir,
        appDir: fleet.appDir,
        originalIni: fleet.uwsgiIni,
        port: fleet.port,
        restart: fleet.restart,
        killSignal: fleet.killSignal,
        pipPackages: fleet.pipPackages,
        debianPackages: fleet.debianPackages,
      };
    }
    const name = r.Properties?.Name;
    throw new Error(`SSM document ${typeof name === 'string' ? name : JSON.stringify(name)}: only AWS-RunShellScript (web server) and the app fleet's playbook document are emulated`);
  }

  private mapOutputs(): { outputs: Record<string, string>; exports: Record<string, string> } {
    const outputs: Record<string, string> = {};
    const exports: Record<string, string> = {};
    for (const [name, o] of Object.entries(this.stack.template.Outputs ?? {})) {
      try {
        outputs[name] = this.resolver.resolveString(o.Value);
        if (o.Export) exports[this.resolver.resolveString(o.Export.Name)] = outputs[name];
      } catch {
        // An output of an ignored resource's attribute has no meaningful local value; leave it out.
      }
    }
    return { outputs, exports };
  }

  private allocate(subnet: Subnet): string {
    const offset = this.nextOffset.get(subnet.logicalId) ?? FIRST_HOST_OFFSET;
    this.nextOffset.set(subnet.logicalId, offset + 1);
    return hostAddress(subnet.cidr, offset);
  }

  private hostName(role: string): string {
    const n = (this.roleCounters.get(role) ?? 0) + 1;
    this.roleCounters.set(role, n);
    return `${role}${n}`;
  }

  private subnetOf(subnetId: string): Subnet {
    const subnet = this.subnets.find(s => this.refs.get(s.logicalId) === subnetId);
    if (!subnet) throw new Error(`subnet ${subnetId} is not in the stack`);
    return subnet;
  }

  private logicalIdOf(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    for (const [id, ref] of this.refs) if (ref === value && this.resources[id]) return id;
    for (const [id, attrs] of this.attributes) if (Object.values(attrs).includes(value) && this.resources[id]) return id;
    return undefined;
  }

  private identify(logicalId: string, ref: unknown, attributes: Attributes) {
    this.refs.set(logicalId, ref);
    this.attributes.set(logicalId, attributes);
  }

  private ofType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  private unsupport(logicalId: string, r: TemplateResource, reason: string) {
    this.unsupported.push({ logicalId, type: r.Type, reason });
  }

  /** Runs one resource's mapping; a failure becomes an entry of the unsupported list. */
  private guard<T>(logicalId: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      const r = this.resources[logicalId];
      this.unsupported.push({ logicalId, type: r?.Type ?? '(several)', reason: (e as Error).message.replace(/^Cannot resolve the template locally: /, '') });
      return undefined;
    }
  }
}
