import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ExistingUwsgiTargetGroup } from '../src';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const lbSecurityGroup = new ec2.SecurityGroup(stack, 'LbSecurityGroup', { vpc, allowAllOutbound: false });
  const targetGroup = new elbv2.NetworkTargetGroup(stack, 'Targets', { vpc, port: 9090, protocol: elbv2.Protocol.TCP });
  const appServers = new ec2.SecurityGroup(stack, 'AppServers', { vpc });
  return { stack, lbSecurityGroup, targetGroup, appServers };
}

describe('ExistingUwsgiTargetGroup', () => {
  test('exposes the given target group and port', () => {
    const { targetGroup, lbSecurityGroup } = fixture();

    const existing = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 9090, loadBalancerSecurityGroups: [lbSecurityGroup] });

    expect(existing.targetGroup).toBe(targetGroup);
    expect(existing.targetPort).toBe(9090);
    expect(existing.connections.securityGroups).toEqual([lbSecurityGroup]);
  });

  test('app servers that admit it admit the load balancer\'s security group, which may then send to them', () => {
    // GIVEN
    const { stack, targetGroup, lbSecurityGroup, appServers } = fixture();
    const existing = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 9090, loadBalancerSecurityGroups: [lbSecurityGroup] });

    // WHEN
    new ec2.Connections({ securityGroups: [appServers] }).allowFrom(existing, ec2.Port.tcp(existing.targetPort));

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(appServers.securityGroupId),
      SourceSecurityGroupId: stack.resolve(lbSecurityGroup.securityGroupId),
      FromPort: 9090,
      ToPort: 9090,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: stack.resolve(lbSecurityGroup.securityGroupId),
      DestinationSecurityGroupId: stack.resolve(appServers.securityGroupId),
      FromPort: 9090,
      ToPort: 9090,
    });
  });
});
