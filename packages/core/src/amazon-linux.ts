import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The Amazon Linux generation a server runs.
 *
 * The provisioning scripts and playbooks of the nlb-tiers constructs are written for these
 * two generations only.
 */
export enum AmazonLinuxGeneration {
  /** Amazon Linux 2023, the current generation. */
  AMAZON_LINUX_2023 = 'AMAZON_LINUX_2023',
  /**
   * Amazon Linux 2, as in the original article.
   *
   * Amazon Linux 2 reached the end of its standard support on 2026-06-30.
   */
  AMAZON_LINUX_2 = 'AMAZON_LINUX_2',
}

/** Options for {@link ServerImage.amazonLinux}. */
export interface ServerImageOptions {
  /** The instance type the image must run on: its architecture selects the image. */
  readonly instanceType: ec2.InstanceType;
  /**
   * The Amazon Linux generation.
   *
   * @default AmazonLinuxGeneration.AMAZON_LINUX_2023
   */
  readonly generation?: AmazonLinuxGeneration;
}

/** Machine images for the servers of the nlb-tiers constructs. */
export class ServerImage {
  /**
   * The latest Amazon Linux image of a generation, for the architecture of the instance type.
   *
   * The image id is an SSM public parameter resolved at deploy time, so synthesis needs no
   * AWS credentials and no context lookups.
   */
  public static amazonLinux(options: ServerImageOptions): ec2.IMachineImage {
    const cpuType = options.instanceType.architecture === ec2.InstanceArchitecture.ARM_64
      ? ec2.AmazonLinuxCpuType.ARM_64
      : ec2.AmazonLinuxCpuType.X86_64;
    return (options.generation ?? AmazonLinuxGeneration.AMAZON_LINUX_2023) === AmazonLinuxGeneration.AMAZON_LINUX_2
      ? ec2.MachineImage.latestAmazonLinux2({ cpuType })
      : ec2.MachineImage.latestAmazonLinux2023({ cpuType });
  }

  private constructor() {}
}
