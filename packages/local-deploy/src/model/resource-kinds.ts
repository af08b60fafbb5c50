import { TemplateResource } from '../assembly/cloud-assembly';

/** What the mapping step does with a resource type. */
export type ResourceKind = { readonly kind: 'mapped' } | { readonly kind: 'ignored'; readonly reason: string };

/** Types that become something that runs locally (hosts, subnets, rules, balancers, services). */
const MAPPED = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::Instance',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::EIP',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::SSM::Association',
  'AWS::SSM::Document',
]);

/** Types that change nothing a local run can observe, with the reason. */
const IGNORED: Record<string, string> = {
  'AWS::IAM::Role': 'permissions: every local process may do what it does',
  'AWS::IAM::Policy': 'permissions: every local process may do what it does',
  'AWS::IAM::ManagedPolicy': 'permissions: every local process may do what it does',
  'AWS::IAM::InstanceProfile': 'permissions: every local process may do what it does',
  'AWS::S3::Bucket': 'association output logs: local services log to files in the deployment folder',
  'AWS::S3::BucketPolicy': 'association output logs: local services log to files in the deployment folder',
  'AWS::Logs::LogGroup': 'the files the hosts\' CloudWatch agent configurations name are collected into the deployment folder, one folder per log group',
  'AWS::Logs::MetricFilter': 'metrics are not computed locally: the collected log files hold the lines a filter would count',
  'AWS::CloudWatch::Alarm': 'alarms are not evaluated locally (no metrics are published)',
  'AWS::CloudWatch::Dashboard': 'dashboards show CloudWatch metrics, which a local deployment does not publish',
  'AWS::AutoScaling::ScalingPolicy': 'scaling policies act on CloudWatch alarms, which are not evaluated locally; scale with --desired-capacity',
  'AWS::EC2::FlowLog': 'VPC flow logs: the local firewall rules keep packet counters instead',
  'AWS::CDK::Metadata': 'CDK usage metadata',
  'AWS::EC2::RouteTable': 'the switch namespace routes between all subnets of the VPC',
  'AWS::EC2::SubnetRouteTableAssociation': 'the switch namespace routes between all subnets of the VPC',
  'AWS::EC2::Route': 'the switch namespace routes between all subnets of the VPC',
  'AWS::EC2::InternetGateway': 'the Internet namespace reaches Elastic IPs only',
  'AWS::EC2::VPCGatewayAttachment': 'the Internet namespace reaches Elastic IPs only',
  'AWS::EC2::NatGateway': 'no host of a local deployment reaches the Internet',
  'Custom::VpcRestrictDefaultSG': 'no local host uses the default security group',
};

/** Resources of the CDK's own custom resource providers, which only serve ignored custom resources. */
const IGNORED_PROVIDER = /^CustomVpcRestrictDefaultSGCustomResourceProvider/;

/** Classifies a resource; `undefined` means the local deploy cannot run it. */
export function resourceKind(logicalId: string, resource: TemplateResource): ResourceKind | undefined {
  if (MAPPED.has(resource.Type)) return { kind: 'mapped' };
  const reason = IGNORED[resource.Type];
  if (reason) return { kind: 'ignored', reason };
  if (IGNORED_PROVIDER.test(logicalId)) {
    return { kind: 'ignored', reason: 'provider of a custom resource that is ignored locally' };
  }
  return undefined;
}
