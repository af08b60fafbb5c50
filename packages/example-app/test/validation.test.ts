import { ApacheUwsgiWebServer } from '@nlb-tiers/apache-uwsgi-web-server';
import { FlaskUwsgiAppFleet } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier } from '@nlb-tiers/internal-nlb-tier';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Validation that spans constructs. Each construct's own rejected props are tested in its package;
 * here, a value one construct takes from its props and another one validates as its own.
 */
describe('values that are tokens are left to deploy time across the tiers', () => {
  test('a tier port from a CloudFormation parameter is the port the fleet and the web server check, and they accept it', () => {
    // GIVEN a tier whose port is a CloudFormation parameter
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const tier = new InternalNlbTier(stack, 'Tier', { vpc, port: number('Port') });

    // WHEN the fleet validates it as its loadBalancer.targetPort and the web server as its upstream port
    new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer: tier, minCapacity: number('Min'), desiredCapacity: number('Desired'), maxCapacity: number('Max') });
    new ApacheUwsgiWebServer(stack, 'Web', { vpc, upstream: tier, httpPort: number('HttpPort') });

    // THEN the stack synthesizes, the parameter in every place that uses it
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: { Ref: 'Port' } });
    const admits = (group: string, from: string) => template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: { Ref: 'Port' },
      ToPort: { Ref: 'Port' },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${group}SecurityGroup`), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${from}SecurityGroup`), 'GroupId'] },
    });
    admits('Fleet', 'Tier');
    admits('Tier', 'Web');
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { DesiredCapacity: { Ref: 'Desired' } });
  });
});
