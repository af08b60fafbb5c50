import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AmazonLinuxGeneration } from './amazon-linux';

/**
 * Props every server of the nlb-tiers constructs shares: the VPC, the image it runs, its role, and
 * where the output of its provisioning goes.
 */
export interface ProvisionedServerProps {
  /** The VPC of the servers. */
  readonly vpc: ec2.IVpc;
  /**
   * The instance type.
   *
   * @default t4g.micro
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The Amazon Linux generation, in the architecture of the instance type.
   *
   * @default AmazonLinuxGeneration.AMAZON_LINUX_2023
   */
  readonly amazonLinux?: AmazonLinuxGeneration;
  /**
   * A machine image to use instead of Amazon Linux. It must be compatible with Amazon Linux (its
   * package manager, python3 and systemd) and run the SSM agent. Cannot be given with `amazonLinux`.
   *
   * @default - Amazon Linux of `amazonLinux`
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * The key of the tag that names the servers' role.
   *
   * @default 'Server'
   */
  readonly serverTagKey?: string;
  /**
   * The instance role. It is granted what provisioning needs: the writes of the association's
   * output (and, for an app fleet, the read of its playbook).
   *
   * @default - a new `ServerRole`, with `AmazonSSMManagedInstanceCore`
   */
  readonly role?: iam.IRole;
  /**
   * The bucket that receives the provisioning association's output.
   *
   * @default - a new `ProvisioningLogBucket`
   */
  readonly logBucket?: s3.IBucket;
  /**
   * How long CloudFormation waits for provisioning to succeed.
   *
   * @default Duration.minutes(10)
   */
  readonly provisioningTimeout?: Duration;
}
