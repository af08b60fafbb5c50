import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ProvisioningTargets } from '../src';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const server = {
    vpc,
    instanceType: new ec2.InstanceType('t4g.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
  };
  return { stack, server };
}

describe('ProvisioningTargets', () => {
  test('instances() names exactly the given instances by id', () => {
    // GIVEN
    const { stack, server } = fixture();
    const first = new ec2.Instance(stack, 'First', server);
    const second = new ec2.Instance(stack, 'Second', server);

    // WHEN
    const targets = ProvisioningTargets.instances(first, second);

    // THEN
    expect(stack.resolve(targets.targets)).toEqual([{
      key: 'InstanceIds',
      values: [stack.resolve(first.instanceId), stack.resolve(second.instanceId)],
    }]);
  });

  test('instances() with no instance names none, so the association matches nothing until it is given some', () => {
    expect(ProvisioningTargets.instances().targets).toEqual([{ key: 'InstanceIds', values: [] }]);
  });

  test('autoScalingGroup() names the aws:autoscaling:groupName tag of that group alone, so later instances match too', () => {
    const { stack, server } = fixture();
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', server);
    const other = new autoscaling.AutoScalingGroup(stack, 'Other', server);

    const targets = ProvisioningTargets.autoScalingGroup(group);

    expect(stack.resolve(targets.targets)).toEqual([{
      key: 'tag:aws:autoscaling:groupName',
      values: [stack.resolve(group.autoScalingGroupName)],
    }]);
    expect(stack.resolve(targets.targets)).not.toEqual(stack.resolve(ProvisioningTargets.autoScalingGroup(other).targets));
  });
});
