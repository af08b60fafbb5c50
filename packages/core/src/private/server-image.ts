import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { validateExclusive, validateImageArchitecture, validateTagKey } from './validation';
import { AmazonLinuxGeneration } from '../amazon-linux-generation';
import { ProvisionedServerProps } from '../provisioned-server-props';
import { ServerImage } from '../server-image';

/** The instance type, image and generation a server construct runs, after its props are checked. */
export interface ResolvedServerImage {
  readonly instanceType: ec2.InstanceType;
  readonly machineImage: ec2.IMachineImage;
  /** The Amazon Linux generation the provisioning is written for. */
  readonly generation: AmazonLinuxGeneration;
}

/** Checks the image props of a server construct and applies their defaults. */
export function resolveServerImage(scope: IConstruct, construct: string, props: ProvisionedServerProps): ResolvedServerImage {
  const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
  validateExclusive(scope, construct, { amazonLinux: props.amazonLinux, machineImage: props.machineImage });
  validateImageArchitecture(scope, construct, instanceType, props.machineImage);
  validateTagKey(scope, construct, 'serverTagKey', props.serverTagKey);
  const generation = props.amazonLinux ?? AmazonLinuxGeneration.AMAZON_LINUX_2023;
  return {
    instanceType,
    machineImage: props.machineImage ?? ServerImage.amazonLinux({ instanceType, generation }),
    generation,
  };
}
