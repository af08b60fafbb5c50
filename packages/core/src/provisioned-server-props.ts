import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AmazonLinuxGeneration } from './amazon-linux-generation';

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
   * Its image is the latest of the generation, read from a public SSM parameter at every
   * deployment: after a new Amazon Linux release (about every two weeks), the next deployment
   * replaces a web server instance (a new instance, the Elastic IP moved to it, provisioned
   * again) and changes an app fleet's launch template (rolled out by its update policy). To stay
   * on one image, pin it with `machineImage`, for example
   * `ServerImage.amazonLinux({ instanceType, cachedInContext: true })` or
   * `ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' })`.
   *
   * Amazon Linux 2 is past its end of support (2026-06-30): a server that runs it (chosen here, or
   * as a `machineImage` read from an Amazon Linux 2 parameter) gives a synthesis warning.
   *
   * @default AmazonLinuxGeneration.AMAZON_LINUX_2023
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-imageid
   */
  readonly amazonLinux?: AmazonLinuxGeneration;
  /**
   * A machine image to use instead of the latest Amazon Linux, for example a pinned one. It must
   * be compatible with Amazon Linux (its package manager, python3 and systemd) and run the SSM
   * agent. Cannot be given with `amazonLinux`.
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
   * @default - the role of a new `ServerRole`, with `AmazonSSMManagedInstanceCore`
   */
  readonly role?: iam.IRole;
  /**
   * The bucket that receives the provisioning association's output. A bucket encrypted with a KMS
   * key works too: the role is granted the use of its key (give the key when importing the bucket).
   *
   * @default - the bucket of a new `ProvisioningLogBucket`
   */
  readonly logBucket?: s3.IBucket;
  /**
   * How long CloudFormation waits for provisioning to succeed (10 minutes to 12 hours, known at
   * synthesis): the `Timeout` of the servers' CreationPolicy, within which every instance must
   * signal that it serves, and of the association's wait. The document's own run on an instance
   * times out 5 minutes earlier (the time an instance gets to boot and register with Systems
   * Manager), so a run that hangs fails with its own output first.
   *
   * A first provisioning installs packages (and, on an app server, compiles uWSGI with pip), which
   * takes minutes on a small instance; a wait that ends first rolls the stack back.
   *
   * @default Duration.minutes(40)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html
   */
  readonly provisioningTimeout?: Duration;
}
