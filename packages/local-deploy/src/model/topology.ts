import { DocumentStep } from './ssm-documents';

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
  /** The Auto Scaling groups: what a new instance of each is launched from. */
  readonly groups: AutoScalingGroup[];
  readonly balancers: Balancer[];
  /** Addresses of the "Internet" side that stand in for Elastic IPs. */
  readonly internet: InternetGateway;
  /** Stack outputs, resolved to local values (used by `Fn::ImportValue` of other stacks). */
  readonly outputs: Record<string, string>;
  /** Exports of the stack, by export name. */
  readonly exports: Record<string, string>;
  /** Resources that exist in the template but need nothing locally, with the reason. */
  readonly ignored: IgnoredResource[];
  /** The resources whose CreationPolicy waits for resource signals from their instances. */
  readonly signals: SignalPolicy[];
  /** The logical ids of the stack's resources in an order CloudFormation may create them in. */
  readonly creationOrder: string[];
}

/**
 * A CreationPolicy's `ResourceSignal`: the resource is complete once `count` SUCCESS signals came
 * in within `timeoutSeconds` (as in the template, not scaled); one FAILURE signal fails it.
 */
export interface SignalPolicy {
  readonly logicalId: string;
  readonly count: number;
  readonly timeoutSeconds: number;
  /** The names of the hosts that stand for its instances. */
  readonly hosts: string[];
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
  readonly image: HostImage;
  /** Names the host resolves through its own hosts file (e.g. a load balancer's DNS name). */
  readonly hostsEntries: { readonly name: string; readonly address: string }[];
  /** The associations that provision the host, in the order they run. */
  readonly associations: Association[];
  /** With an Elastic IP: the TCP ports its security groups open to the Internet. */
  readonly publishedPorts: number[];
}

/**
 * An Auto Scaling group as the local deploy runs it: what a new instance is launched from (its
 * launch template's values, its subnets, its tags' associations), where it registers, and how the
 * group checks its instances' health.
 */
/**
 * An Auto Scaling group's `UpdatePolicy.AutoScalingRollingUpdate`, with CloudFormation's defaults:
 * MaxBatchSize 1, MinInstancesInService 0, PauseTime PT0S (PT5M when WaitOnResourceSignals).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
export interface RollingUpdatePolicy {
  readonly maxBatchSize: number;
  readonly minInstancesInService: number;
  /** As in the template (not scaled): the wait for a batch's signals when `waitOnResourceSignals`. */
  readonly pauseTimeSeconds: number;
  readonly waitOnResourceSignals: boolean;
}

export interface AutoScalingGroup {
  readonly logicalId: string;
  /** The name prefix of its hosts: app -> app1, app2... */
  readonly role: string;
  /** Its subnets (`VPCZoneIdentifier`), by logical id, in template order. */
  readonly subnets: string[];
  readonly minSize: number;
  readonly maxSize: number;
  /** The template's DesiredCapacity (else MinSize), whatever count the deployment runs. */
  readonly desiredCapacity: number;
  /** Its launch template's data and version as resolved locally: a change replaces its instances. */
  readonly launchTemplate: unknown;
  /** Security groups (logical ids), instance type, IMDS and image of its launch template. */
  readonly securityGroups: string[];
  readonly instanceType: string;
  readonly tokensRequired: boolean;
  readonly image: HostImage;
  /** `EC2` (status checks only) or `ELB` (the target groups' health too). */
  readonly healthCheckType: 'EC2' | 'ELB';
  /** `HealthCheckGracePeriod`, as in the template (not scaled). */
  readonly healthCheckGracePeriodSeconds: number;
  /** The target groups its instances are registered with (`TargetGroupARNs`). */
  readonly targetGroupArns: string[];
  /** Its UpdatePolicy's `AutoScalingRollingUpdate`, if it has one: how a new launch template replaces its instances. */
  readonly rollingUpdate?: RollingUpdatePolicy;
  /** The associations whose targets match the tags it puts on its instances, in the order they run. */
  readonly associations: Association[];
  /** What its instances' hosts files resolve (the load balancers' names). */
  readonly hostsEntries: { readonly name: string; readonly address: string }[];
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

/** The image an instance boots: what its local host's filesystem looks like to provisioning. */
export interface HostImage {
  /** The operating system the local host presents (`/etc/os-release`, package managers). */
  readonly name: string;
  /** The image id as the template gives it (an SSM parameter name, usually). */
  readonly imageId: string;
}

/**
 * An SSM State Manager association as it applies to one host: the document and the steps it runs,
 * with the association's parameters substituted as SSM does.
 */
export interface Association {
  readonly logicalId: string;
  readonly documentName: string;
  readonly steps: DocumentStep[];
  /** `MaxConcurrency` as in the template (a number or a percentage of the targets); none: all at once. */
  readonly maxConcurrency?: string;
  /** `MaxErrors` as in the template (a number or a percentage of the targets); none: no threshold. */
  readonly maxErrors?: string;
}

/** An internal Network Load Balancer: one namespace doing DNAT + SNAT, with a health checker. */
export interface Balancer {
  readonly name: string;
  readonly logicalId: string;
  readonly dnsName: string;
  /** The Availability Zones of its subnets: each has a node, named `<zone>.<dnsName>`. */
  readonly availabilityZones: string[];
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
  /** `deregistration_delay.timeout_seconds`: how long a deregistered target may keep its connections. */
  readonly deregistrationDelaySeconds: number;
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
