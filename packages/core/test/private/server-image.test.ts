import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AmazonLinuxGeneration, ProvisionedServerProps } from '../../src';
import { AMAZON_LINUX_2_WARNING, resolveServerImage } from '../../src/private/server-image';

function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const scope = new Construct(stack, 'Server');
  const resolve = (props: Partial<ProvisionedServerProps> = {}) => resolveServerImage(scope, 'Server', { vpc, ...props });
  /** The logical id of the parameter an image's id is read from, which spells its SSM parameter name. */
  const imageParameter = (image: ec2.IMachineImage) => stack.resolve(image.getImage(scope).imageId).Ref as string;
  return { stack, scope, resolve, imageParameter };
}

describe('resolveServerImage', () => {
  test('defaults to a t4g.micro running the latest Amazon Linux 2023 for arm64', () => {
    const { resolve, imageParameter } = fixture();

    const resolved = resolve();

    expect(resolved.instanceType.toString()).toBe('t4g.micro');
    expect(resolved.generation).toBe(AmazonLinuxGeneration.AMAZON_LINUX_2023);
    expect(imageParameter(resolved.machineImage)).toMatch(/al2023amikernel.*arm64/);
  });

  test('picks the image of the instance type architecture', () => {
    const { resolve, imageParameter } = fixture();

    const resolved = resolve({ instanceType: new ec2.InstanceType('m5.large') });

    expect(resolved.instanceType.toString()).toBe('m5.large');
    expect(imageParameter(resolved.machineImage)).toMatch(/al2023amikernel.*x8664/);
  });

  test('runs Amazon Linux 2 when asked, and warns that it is past its end of support', () => {
    const { stack, resolve, imageParameter } = fixture();

    const resolved = resolve({ amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2 });

    expect(resolved.generation).toBe(AmazonLinuxGeneration.AMAZON_LINUX_2);
    expect(imageParameter(resolved.machineImage)).toMatch(/amzn2ami.*arm64/);
    Annotations.fromStack(stack).hasWarning('/Stack/Server', Match.stringLikeRegexp(
      '^Server runs Amazon Linux 2, which reached its end of support on 2026-06-30 and gets no more security updates '
      + '\\(https://aws.amazon.com/amazon-linux-2/faqs/\\): use AmazonLinuxGeneration.AMAZON_LINUX_2023.'));
  });

  test('warns about an Amazon Linux 2 image given as machineImage too', () => {
    const { stack, resolve } = fixture();

    resolve({ machineImage: ec2.MachineImage.latestAmazonLinux2({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }) });

    Annotations.fromStack(stack).hasWarning('/Stack/Server', Match.stringLikeRegexp('runs Amazon Linux 2, which reached its end of support'));
  });

  test.each([
    ['the default', {}],
    ['Amazon Linux 2023', { amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2023 }],
    ['a pinned image', { machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }],
  ])('gives no warning for %s', (_, props: Partial<ProvisionedServerProps>) => {
    const { stack, resolve } = fixture();

    resolve(props);

    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('an acknowledged Amazon Linux 2 warning is not shown', () => {
    const { stack, scope, resolve } = fixture();

    resolve({ amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2 });
    Validations.of(scope).acknowledge({ id: AMAZON_LINUX_2_WARNING, reason: 'a legacy image, replaced next quarter' });

    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('uses a given machine image as it is, provisioned as Amazon Linux 2023', () => {
    const { resolve } = fixture();
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });

    const resolved = resolve({ machineImage });

    expect(resolved.machineImage).toBe(machineImage);
    expect(resolved.generation).toBe(AmazonLinuxGeneration.AMAZON_LINUX_2023);
  });

  test('fails on both amazonLinux and machineImage', () => {
    const { resolve } = fixture();

    expect(() => resolve({
      amazonLinux: AmazonLinuxGeneration.AMAZON_LINUX_2,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    })).toThrow("Server at 'Stack/Server': amazonLinux and machineImage cannot be given together; give at most one of them");
  });

  test('fails on a machine image of another architecture than the default instance type', () => {
    const { resolve } = fixture();

    expect(() => resolve({ machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }) }))
      .toThrow("Server at 'Stack/Server': invalid machineImage: got '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64', expected an image for the arm64 architecture of instance type t4g.micro, or an instance type for x86_64");
  });

  test("fails on a server tag key in the reserved 'aws:' namespace", () => {
    const { resolve } = fixture();

    expect(() => resolve({ serverTagKey: 'aws:role' }))
      .toThrow("Server at 'Stack/Server': invalid serverTagKey: got 'aws:role', expected a tag key of 1 to 128 characters that does not start with 'aws:'");
  });

  test('leaves a server tag key from a CloudFormation parameter to deploy time', () => {
    const { stack, resolve } = fixture();

    expect(() => resolve({ serverTagKey: new CfnParameter(stack, 'TagKey').valueAsString })).not.toThrow();
  });
});
