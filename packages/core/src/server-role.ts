import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './private/acknowledge';

/**
 * The role of a server provisioned by SSM: the managed policy Systems Manager requires, and
 * nothing else. Each construct grants the few extra permissions it needs.
 */
export class ServerRole extends iam.Role {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Instance role of a server provisioned by SSM State Manager',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledgeFinding(this, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'AmazonSSMManagedInstanceCore is the policy AWS maintains for the SSM agent: the least a managed instance needs, '
      + 'updated by AWS when the agent needs new actions.');
  }
}
