import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { imageParameterName, validateExclusive, validateImageArchitecture, validateTagKey } from './validation';
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

/**
 * The id of the warning a server construct gives when it runs Amazon Linux 2; acknowledge it with
 * `Validations.of(scope).acknowledge({ id, reason })`.
 */
export const AMAZON_LINUX_2_WARNING = '@nlb-tiers/core:amazonLinux2EndOfSupport';

/** Checks the image props of a server construct and applies their defaults. */
export function resolveServerImage(scope: IConstruct, construct: string, props: ProvisionedServerProps): ResolvedServerImage {
  const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
  validateExclusive(scope, construct, { amazonLinux: props.amazonLinux, machineImage: props.machineImage });
  const parameterName = props.machineImage && imageParameterName(scope, props.machineImage);
  validateImageArchitecture(scope, construct, instanceType, parameterName);
  validateTagKey(scope, construct, 'serverTagKey', props.serverTagKey);
  const generation = props.amazonLinux ?? AmazonLinuxGeneration.AMAZON_LINUX_2023;
  if (generation === AmazonLinuxGeneration.AMAZON_LINUX_2 || /\/amzn2-ami-/.test(parameterName ?? '')) {
    // A choice that works today but is past its vendor's support: warn, do not fail.
    Validations.of(scope).addWarning(AMAZON_LINUX_2_WARNING,
      `${construct} runs Amazon Linux 2, which reached its end of support on 2026-06-30 and gets no more security updates `
      + '(https://aws.amazon.com/amazon-linux-2/faqs/): use AmazonLinuxGeneration.AMAZON_LINUX_2023.');
  }
  return {
    instanceType,
    machineImage: props.machineImage ?? ServerImage.amazonLinux({ instanceType, generation }),
    generation,
  };
}
