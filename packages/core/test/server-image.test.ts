import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AmazonLinuxGeneration, ServerImage } from '../src';

function parameterOf(image: ec2.IMachineImage): string {
  const stack = new Stack(new App(), 'Stack');
  image.getImage(stack);
  const parameters = stack.resolve(stack.node.findAll().filter(c => c.node.id.startsWith('SsmParameterValue')).map(c => (c as any).default ?? c.node.id));
  return JSON.stringify(parameters) + JSON.stringify(new Stack(new App(), 'Other').resolve((image as any).parameterName));
}

describe('ServerImage.amazonLinux', () => {
  test.each([
    ['t4g.micro', undefined, /al2023-ami-kernel-.*-arm64/],
    ['t3.micro', undefined, /al2023-ami-kernel-.*-x86_64/],
    ['t4g.micro', AmazonLinuxGeneration.AMAZON_LINUX_2, /amzn2-ami-.*-arm64-gp2/],
    ['m5.large', AmazonLinuxGeneration.AMAZON_LINUX_2023, /al2023-ami-kernel-.*-x86_64/],
  ])('%s with generation %s picks the matching SSM public parameter', (type, generation, expected) => {
    const image = ServerImage.amazonLinux({ instanceType: new ec2.InstanceType(type), generation });
    expect(parameterOf(image)).toMatch(expected);
  });
});
