import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { UwsgiEndpoint } from '../src';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const appServers = new ec2.SecurityGroup(stack, 'AppServers', { vpc });
  const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
  return { stack, appServers, client };
}

describe('UwsgiEndpoint', () => {
  test('is an upstream at the given host and port, reached through the host alone by default', () => {
    const endpoint = new UwsgiEndpoint({ host: '10.0.3.15', port: 3031 });

    expect(endpoint.upstreamHost).toBe('10.0.3.15');
    expect(endpoint.upstreamPort).toBe(3031);
    expect(endpoint.upstreamZonalHosts).toBeUndefined();
  });

  test('keeps the host names that each reach the whole endpoint', () => {
    const endpoint = new UwsgiEndpoint({ host: 'nlb.example.com', port: 9090, zonalHosts: ['eu-west-1a.nlb.example.com', 'eu-west-1b.nlb.example.com'] });

    expect(endpoint.upstreamZonalHosts).toEqual(['eu-west-1a.nlb.example.com', 'eu-west-1b.nlb.example.com']);
  });

  test('a client allowed in is admitted into the given security groups on the endpoint\'s port', () => {
    // GIVEN
    const { stack, appServers, client } = fixture();
    const endpoint = new UwsgiEndpoint({ host: '10.0.3.15', port: 3031, securityGroups: [appServers] });

    // WHEN
    endpoint.connections.allowDefaultPortFrom(client);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(appServers.securityGroupId),
      SourceSecurityGroupId: stack.resolve(client.securityGroupId),
      IpProtocol: 'tcp',
      FromPort: 3031,
      ToPort: 3031,
    });
  });

  test('without security groups, allowing a client changes no firewall: the endpoint\'s is managed elsewhere', () => {
    const { stack, client } = fixture();
    const endpoint = new UwsgiEndpoint({ host: '10.0.3.15', port: 3031 });

    endpoint.connections.allowDefaultPortFrom(client);

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });
});
