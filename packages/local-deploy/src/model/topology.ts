/**
 * The local deployment as pure data: what the mapping step makes of a stack, and everything the
 * runtime needs to bring it up. No I/O happens on these types.
 */
export interface Topology {
  readonly stackName: string;
  readonly region: string;
  readonly vpcCidr: string;
  readonly subnets: Subnet[];
  readonly securityGroups: SecurityGroup[];
  readonly hosts: Host[];
  readonly balancers: Balancer[];
  /** Addresses of the "Internet" side that stand in for Elastic IPs. */
  readonly internet: InternetGateway;
  /** Stack outputs, resolved to local values (used by `Fn::ImportValue` of other stacks). */
  readonly outputs: Record<string, string>;
  /** Exports of the stack, by export name. */
  readonly exports: Record<string, string>;
  /** Resources that exist in the template but need nothing locally, with the reason. */
  readonly ignored: IgnoredResource[];
}

/** A subnet: one bridge in the switch namespace; the switch is the VPC router at `.1`. */
export interface Subnet {
  readonly logicalId: string;
  readonly cidr: string;
  readonly prefixLength: number;
  readonly routerAddress: string;
  readonly availabilityZone: string;
  readonly isPublic: boolean;
}

/** One security-group rule, in either direction. */
export interface SecurityGroupRule {
  /** 'tcp', 'udp', 'icmp' or '-1' (all). */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** A CIDR peer, or the logical id of a peer security group. */
  readonly peer: { readonly cidr: string } | { readonly securityGroup: string };
  readonly description?: string;
}

export interface SecurityGroup {
  readonly logicalId: string;
  readonly ingress: SecurityGroupRule[];
  readonly egress: SecurityGroupRule[];
}

/** An EC2 instance (standalone or of an Auto Scaling group): one network namespace. */
export interface Host {
  /** Short name, unique in the deployment, used in namespace and interface names. */
  readonly name: string;
  /** The resource it comes from (the instance or the Auto Scaling group). */
  readonly logicalId: string;
  readonly instanceId: string;
  readonly subnet: string;
  readonly address: string;
  readonly securityGroups: string[];
  /** The Elastic IP it is published under, if any. */
  readonly elasticIp?: string;
  readonly metadata: InstanceMetadata;
  /** Names the host resolves through its own hosts file (e.g. a load balancer's DNS name). */
  readonly hostsEntries: { readonly name: string; readonly address: string }[];
  readonly services: Service[];
}

/** What the instance metadata stand-in of a host serves. */
export interface InstanceMetadata {
  readonly instanceId: string;
  /** IMDSv2 only (launch template `MetadataOptions.HttpTokens: required`). */
  readonly tokensRequired: boolean;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly localIpv4: string;
  readonly publicIpv4?: string;
}

export type Service = ApacheService | UwsgiService;

/** Apache httpd, configured by the web server's provisioning association. */
export interface ApacheService {
  readonly kind: 'apache';
  /** The association this configuration comes from. */
  readonly source: string;
  /** The port the site is served on: the configuration's own `Listen`, else the distribution's 80. */
  readonly listenPort: number;
  /** The proxy configuration from the association, with every intrinsic resolved. */
  readonly proxyConfig: string;
  readonly restart: RestartPolicy;
}

/** A Flask app under uWSGI, provisioned by the fleet's playbook association. */
export interface UwsgiService {
  readonly kind: 'uwsgi';
  readonly source: string;
  /** The asset folder of the playbook. */
  readonly assetDir: string;
  /** The app folder inside the asset, deployed to `appDir`. */
  readonly appSourceDir: string;
  /** Where the playbook deploys the app on the instance (re-rooted under the host's folder locally). */
  readonly appDir: string;
  /** uwsgi.ini as the playbook deploys it. */
  readonly originalIni: string;
  /** The port uwsgi.ini binds its socket to. */
  readonly port: number;
  /** The systemd unit's Restart= and RestartSec= and KillSignal=. */
  readonly restart: RestartPolicy;
  readonly killSignal: NodeJS.Signals;
  /** The pip packages the playbook installs, and the Debian packages that stand in for them. */
  readonly pipPackages: string[];
  readonly debianPackages: string[];
}

/** How the supervisor treats a service's exit, after systemd's `Restart=` and `RestartSec=`. */
export interface RestartPolicy {
  readonly restart: 'no' | 'on-failure' | 'always';
  readonly restartSeconds: number;
}

/** An internal Network Load Balancer: one namespace doing DNAT + SNAT, with a health checker. */
export interface Balancer {
  readonly name: string;
  readonly logicalId: string;
  readonly dnsName: string;
  readonly arn: string;
  readonly subnet: string;
  readonly address: string;
  readonly securityGroups: string[];
  readonly listeners: Listener[];
}

export interface Listener {
  readonly logicalId: string;
  readonly port: number;
  readonly targetGroup: TargetGroup;
}

export interface TargetGroup {
  readonly logicalId: string;
  readonly arn: string;
  readonly port: number;
  readonly preserveClientIp: boolean;
  readonly healthCheck: HealthCheck;
  /** Names of the hosts registered as targets. */
  readonly targets: string[];
}

/** TCP health check settings, as in the template (seconds are not scaled here). */
export interface HealthCheck {
  readonly port: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** The Internet side: one namespace outside the VPC; Elastic IPs are 1:1 NAT on the switch. */
export interface InternetGateway {
  readonly cidr: string;
  readonly switchAddress: string;
  readonly clientAddress: string;
}

export interface IgnoredResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** A resource the tool cannot run locally. */
export interface UnsupportedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}
