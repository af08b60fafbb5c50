import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AmazonLinuxGeneration } from './amazon-linux-generation';

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
  /**
   * Whether to look the image up once, at synthesis, and keep it in `cdk.context.json`, instead of
   * resolving the public SSM parameter at every deployment. A kept image does not change when
   * Amazon Linux releases a new one, so the instances are not replaced on the next deployment;
   * delete the context entry (`cdk context --reset`) to move to a newer image. Needs a stack with
   * an explicit account and region, and credentials at the first synthesis.
   *
   * @default false
   * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.AmazonLinux2023ImageSsmParameterProps.html#cachedincontext
   */
  readonly cachedInContext?: boolean;
}

/** Machine images for the servers of the nlb-tiers constructs. */
export class ServerImage {
  /**
   * The latest Amazon Linux image of a generation, for the architecture of the instance type.
   *
   * By default, the image id is an SSM public parameter resolved at deploy time, so synthesis needs
   * no AWS credentials and no context lookups, and every deployment after a new Amazon Linux
   * release moves to it (replacing the instances that use it); `cachedInContext` pins it.
   */
  public static amazonLinux(options: ServerImageOptions): ec2.IMachineImage {
    const cpuType = options.instanceType.architecture === ec2.InstanceArchitecture.ARM_64
      ? ec2.AmazonLinuxCpuType.ARM_64
      : ec2.AmazonLinuxCpuType.X86_64;
    // Never undefined: aws-cdk-lib spreads these props over its own `false`, and reads undefined as true.
    const cachedInContext = options.cachedInContext ?? false;
    return (options.generation ?? AmazonLinuxGeneration.AMAZON_LINUX_2023) === AmazonLinuxGeneration.AMAZON_LINUX_2
      ? ec2.MachineImage.latestAmazonLinux2({ cpuType, cachedInContext })
      : ec2.MachineImage.latestAmazonLinux2023({ cpuType, cachedInContext });
  }

  private constructor() {}
}
