import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PROVISIONING_TAG_KEY, tagForProvisioning } from '../../src/private/provisioning-tag';

function group(scope: Construct, vpc: ec2.IVpc) {
  return new autoscaling.AutoScalingGroup(scope, 'Group', {
    vpc,
    instanceType: new ec2.InstanceType('t4g.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
  });
}

describe('tagForProvisioning', () => {
  test('tags a group\'s instances at launch with a value of the construct\'s own, and targets that tag', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const owners = ['Fleet', 'OtherFleet'].map(id => new Construct(stack, id));

    const targets = owners.map(owner => tagForProvisioning(owner, group(owner, vpc)).targets);

    const values = targets.map(t => t[0].values[0]);
    expect(targets.map(t => t[0].key)).toEqual([`tag:${PROVISIONING_TAG_KEY}`, `tag:${PROVISIONING_TAG_KEY}`]);
    expect(values[0]).toMatch(/^Stack\/StackFleet[0-9A-F]{8}$/);
    expect(values[1]).not.toBe(values[0]);
    const template = Template.fromStack(stack);
    for (const value of values) {
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        Tags: Match.arrayWith([{ Key: PROVISIONING_TAG_KEY, Value: value, PropagateAtLaunch: true }]),
      });
    }
  });

  test('the value names the stack, so the same construct in two stacks of one account and region provisions only its own', () => {
    const app = new App();
    const values = ['Blue', 'Green'].map(name => {
      const stack = new Stack(app, name);
      const owner = new Construct(stack, 'Fleet');
      return tagForProvisioning(owner, group(owner, new ec2.Vpc(stack, 'Vpc'))).targets[0].values[0];
    });

    expect(values[0].startsWith('Blue/')).toBe(true);
    expect(values[1].startsWith('Green/')).toBe(true);
  });
});
