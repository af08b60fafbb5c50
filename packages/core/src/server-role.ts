import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './private/acknowledge';

/**
 * The role of a server provisioned by SSM: the managed policy Systems Manager requires, and
 * nothing else. Each construct grants the few extra permissions it needs.
 *
 * It wraps an `iam.Role` (`role`) instead of extending it, so the static methods of `iam.Role`
 * (such as `fromRoleArn`) are not mistaken for its own.
 */
export class ServerRole extends Construct implements iam.IGrantable {
  /** The instance role. */
  public readonly role: iam.Role;
  /** The principal of the role, to grant it more permissions. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // 'Default' is left out of the path that logical IDs are made from: the role keeps the logical
    // ID it had when ServerRole extended iam.Role, so a deployed role is not replaced.
    this.role = new iam.Role(this, 'Default', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Instance role of a server provisioned by SSM State Manager',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.grantPrincipal = this.role;
    acknowledgeFinding(this.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'AmazonSSMManagedInstanceCore is the policy AWS maintains for the SSM agent: the least a managed instance needs, '
      + 'updated by AWS when the agent needs new actions.');
  }
}
