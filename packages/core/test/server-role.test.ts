import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ServerRole } from '../src';

describe('ServerRole', () => {
  test('is assumed by EC2 and has AmazonSSMManagedInstanceCore and no other policy', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');

    // WHEN
    new ServerRole(stack, 'Role');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } }],
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
  });

  test('exposes its role, which keeps the logical ID of a role at the same path, so a deployed one is not replaced', () => {
    const stack = new Stack(new App(), 'Stack');
    const plain = new Stack(new App(), 'Stack');

    const server = new ServerRole(stack, 'Role');
    server.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const role = new iam.Role(plain, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    expect(server.role).toBeInstanceOf(iam.Role);
    const ids = (s: Stack, type: string) => Object.keys(Template.fromStack(s).findResources(type));
    expect(ids(stack, 'AWS::IAM::Role')).toEqual(ids(plain, 'AWS::IAM::Role'));
    expect(ids(stack, 'AWS::IAM::Policy')).toEqual(ids(plain, 'AWS::IAM::Policy'));
  });

  test('is a grantable: a grant to it goes to its role', () => {
    const stack = new Stack(new App(), 'Stack');
    const server = new ServerRole(stack, 'Role');
    const bucket = new s3.Bucket(stack, 'Data');

    bucket.grantRead(server);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.resolve((server.role.node.defaultChild as iam.CfnRole).logicalId) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) },
    });
  });
});
