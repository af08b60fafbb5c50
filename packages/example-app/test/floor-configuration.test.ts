import { dependencyPath } from '@nlb-tiers/core/helpers-internal';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnInstance } from 'aws-cdk-lib/aws-ec2';
import { FloorConfigurationStack } from '../src/bench/floor-configuration';

describe('the benchmark\'s floor: the default app behind Apache and uWSGI on one host', () => {
  const app = new App();
  const stack = new FloorConfigurationStack(app, 'BenchFloor');
  const template = Template.fromStack(stack);
  const associations = template.findResources('AWS::SSM::Association');
  const web = Object.values(associations).find(a => a.Properties.Name === 'AWS-RunShellScript')!;
  const fleet = Object.values(associations).find(a => a.Properties.Name !== 'AWS-RunShellScript')!;
  const webInstanceId = (stack.webServer.instance.node.defaultChild as CfnInstance).logicalId;

  test('one instance, the web server\'s: the fleet\'s group runs none', () => {
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', DesiredCapacity: '0' });
  });

  test('the fleet\'s provisioning (its playbook) and the web server\'s both target the web server\'s instance, by its tag', () => {
    const instanceTags = Object.values(template.findResources('AWS::EC2::Instance'))[0].Properties.Tags;
    const [target] = web.Properties.Targets;
    expect(target.Key).toMatch(/^tag:/);
    expect(instanceTags).toContainEqual({ Key: target.Key.slice('tag:'.length), Value: target.Values[0] });
    expect(fleet.Properties.Targets).toEqual(web.Properties.Targets);
    expect(JSON.stringify(fleet.Properties.Parameters.SourceInfo)).toContain(stack.fleet.playbookAsset.assetHash);
  });

  test('neither association waits for the instance, whose creation waits for both to serve', () => {
    expect(template.findResources('AWS::EC2::Instance')[stack.resolve(webInstanceId)].CreationPolicy).toBeDefined();
    const instance = stack.resolve(webInstanceId);
    for (const id of Object.keys(associations)) {
      expect(dependencyPath(template.toJSON(), id, instance)).toBeUndefined();
    }
  });

  test('Apache proxies to uWSGI on 127.0.0.1 at the fleet\'s port, not to the load balancer', () => {
    const commands = JSON.stringify(web.Properties.Parameters.commands);
    expect(commands).toContain(`BalancerMember \\"uwsgi://127.0.0.1:${stack.fleet.port}\\" retry=0 connectiontimeout`);
    expect(commands).not.toMatch(/elb\.amazonaws\.com|LoadBalancer/);
  });

  test('the one instance has the role of both servers', () => {
    const instance = Object.values(template.findResources('AWS::EC2::Instance'))[0];
    const profiles = template.findResources('AWS::IAM::InstanceProfile');
    const profile = Object.entries(profiles).find(([id]) => JSON.stringify(instance.Properties.IamInstanceProfile).includes(id))![1];
    const launchTemplate = Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0];
    expect(profile.Properties.Roles).toEqual([stack.resolve(stack.fleet.role.roleName)]);
    expect(stack.resolve(stack.webServer.role.roleArn)).toEqual(stack.resolve(stack.fleet.role.roleArn));
    expect(JSON.stringify(launchTemplate)).toContain('IamInstanceProfile');
  });
});
