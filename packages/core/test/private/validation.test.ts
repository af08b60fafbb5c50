import { App, CfnParameter, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import {
  imageParameterName, invalidProp, selectSubnets, validateCapacities, validateDuration, validateElbName, validateExclusive, validateImageArchitecture,
  validateInteger, validateKeyPrefix, validatePort, validateTagKey,
} from '../../src/private/validation';

/** A construct at 'Stack/Thing' to validate for, and its stack for CloudFormation parameters. */
function fixture() {
  const stack = new Stack(new App(), 'Stack');
  const scope = new Construct(stack, 'Thing');
  const numberParameter = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
  const stringParameter = (id: string) => new CfnParameter(stack, id).valueAsString;
  return { stack, scope, numberParameter, stringParameter };
}

const PREFIX = "Thing at 'Stack/Thing': ";

describe('invalidProp', () => {
  test('fails with the construct, its path, the prop, the value and what is allowed, quoting strings only', () => {
    const { scope } = fixture();

    expect(() => invalidProp(scope, 'Thing', 'port', 0, 'an integer')).toThrow(`${PREFIX}invalid port: got 0, expected an integer`);
    expect(() => invalidProp(scope, 'Thing', 'name', '0', 'a name')).toThrow(`${PREFIX}invalid name: got '0', expected a name`);
  });
});

describe('validateInteger', () => {
  test.each([undefined, 2, 5, 10])('accepts %p within 2..10', (value) => {
    const { scope } = fixture();
    expect(() => validateInteger(scope, 'Thing', 'count', value, 2, 10)).not.toThrow();
  });

  test.each([1, 11, 2.5, -3])('fails on %p outside 2..10 or not an integer', (value) => {
    const { scope } = fixture();
    expect(() => validateInteger(scope, 'Thing', 'count', value, 2, 10))
      .toThrow(`${PREFIX}invalid count: got ${value}, expected an integer from 2 to 10`);
  });

  test('leaves a token to deploy time, whatever it resolves to', () => {
    const { scope, numberParameter } = fixture();

    expect(() => validateInteger(scope, 'Thing', 'count', numberParameter('Count'), 2, 10)).not.toThrow();
    expect(() => validateInteger(scope, 'Thing', 'count', Lazy.number({ produce: () => 0 }), 2, 10)).not.toThrow();
  });
});

describe('validatePort', () => {
  test.each([1, 80, 65535])('accepts port %i', (port) => {
    const { scope } = fixture();
    expect(() => validatePort(scope, 'Thing', 'port', port)).not.toThrow();
  });

  test.each([0, 65536, 80.5])('fails on port %p', (port) => {
    const { scope } = fixture();
    expect(() => validatePort(scope, 'Thing', 'port', port)).toThrow(`${PREFIX}invalid port: got ${port}, expected an integer from 1 to 65535`);
  });

  test('leaves a port from a CloudFormation parameter to deploy time', () => {
    const { scope, numberParameter } = fixture();
    expect(() => validatePort(scope, 'Thing', 'port', Token.asNumber(numberParameter('Port')))).not.toThrow();
  });
});

describe('validateDuration', () => {
  test.each([
    [Duration.seconds(5), 'seconds', 5, 300],
    [Duration.minutes(5), 'seconds', 5, 300],
    [Duration.days(1), 'days', 1, 36500],
    [Duration.hours(48), 'days', 1, 36500],
    [undefined, 'seconds', 5, 300],
  ] as const)('accepts %s in whole %s from %i to %i', (value, unit, min, max) => {
    const { scope } = fixture();
    expect(() => validateDuration(scope, 'Thing', 'delay', value, unit, min, max)).not.toThrow();
  });

  test.each([
    [Duration.seconds(4), 'seconds', "got '4 seconds', expected a whole number of seconds from 5 to 300"],
    [Duration.seconds(301), 'seconds', "got '301 seconds', expected a whole number of seconds from 5 to 300"],
    [Duration.millis(5500), 'seconds', "got '5.5 seconds', expected a whole number of seconds from 5 to 300"],
    [Duration.days(0), 'days', "got '0 days', expected a whole number of days from 5 to 300"],
    [Duration.hours(36), 'days', "got '1.5 days', expected a whole number of days from 5 to 300"],
  ] as const)('fails on %s counted in %s', (value, unit, message) => {
    const { scope } = fixture();
    expect(() => validateDuration(scope, 'Thing', 'delay', value, unit, 5, 300)).toThrow(`${PREFIX}invalid delay: ${message}`);
  });

  test('leaves a duration of a token amount to deploy time', () => {
    const { scope, numberParameter } = fixture();

    expect(() => validateDuration(scope, 'Thing', 'delay', Duration.seconds(numberParameter('Delay')), 'seconds', 5, 300)).not.toThrow();
    expect(() => validateDuration(scope, 'Thing', 'delay', Duration.days(Lazy.number({ produce: () => 0 })), 'days', 1, 36500)).not.toThrow();
  });
});

describe('validateElbName', () => {
  const LOAD_BALANCER = "expected a load balancer name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen or starting with 'internal-'";
  const TARGET_GROUP = 'expected a target group name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen';

  test.each(['a', 'app-tier', 'A1-b2', 'x'.repeat(32), undefined])('accepts the load balancer name %p', (value) => {
    const { scope } = fixture();
    expect(() => validateElbName(scope, 'Thing', 'loadBalancerName', value, 'load balancer')).not.toThrow();
  });

  test.each(['', 'x'.repeat(33), 'app_tier', '-tier', 'tier-', 'internal-app', 'Internal-app'])('fails on the load balancer name %p', (value) => {
    const { scope } = fixture();
    expect(() => validateElbName(scope, 'Thing', 'loadBalancerName', value, 'load balancer'))
      .toThrow(`${PREFIX}invalid loadBalancerName: got '${value}', ${LOAD_BALANCER}`);
  });

  test("a target group name may start with 'internal-'", () => {
    const { scope } = fixture();
    expect(() => validateElbName(scope, 'Thing', 'targetGroupName', 'internal-targets', 'target group')).not.toThrow();
  });

  test('fails on a target group name ending with a hyphen, without the load balancer rule in the message', () => {
    const { scope } = fixture();
    expect(() => validateElbName(scope, 'Thing', 'targetGroupName', 'targets-', 'target group'))
      .toThrow(`${PREFIX}invalid targetGroupName: got 'targets-', ${TARGET_GROUP}`);
  });

  test('leaves a name from a CloudFormation parameter to deploy time', () => {
    const { scope, stringParameter } = fixture();
    expect(() => validateElbName(scope, 'Thing', 'loadBalancerName', stringParameter('Name'), 'load balancer')).not.toThrow();
  });
});

describe('validateCapacities', () => {
  test.each([
    [0, 0, 1],
    [2, 2, 2],
    [1, 3, 4],
  ])('accepts min %i, desired %i, max %i', (min, desired, max) => {
    const { scope } = fixture();
    expect(() => validateCapacities(scope, 'Thing', min, desired, max)).not.toThrow();
  });

  test.each([
    ['a negative minCapacity', -1, 0, 1, 'invalid minCapacity: got -1, expected an integer of at least 0'],
    ['a negative desiredCapacity', 0, -1, 1, 'invalid desiredCapacity: got -1, expected an integer of at least 0'],
    ['a maxCapacity of 0', 0, 0, 0, 'invalid maxCapacity: got 0, expected an integer of at least 1'],
    ['a fractional maxCapacity', 1, 1, 1.5, 'invalid maxCapacity: got 1.5, expected an integer of at least 1'],
    ['minCapacity above maxCapacity', 3, 3, 2, 'invalid minCapacity: got 3, expected at most maxCapacity (2)'],
    ['desiredCapacity above maxCapacity', 2, 3, 2, 'invalid desiredCapacity: got 3, expected a value from minCapacity (2) to maxCapacity (2)'],
    ['desiredCapacity below minCapacity', 2, 1, 4, 'invalid desiredCapacity: got 1, expected a value from minCapacity (2) to maxCapacity (4)'],
  ])('fails on %s', (_, min, desired, max, message) => {
    const { scope } = fixture();
    expect(() => validateCapacities(scope, 'Thing', min, desired, max)).toThrow(`${PREFIX}${message}`);
  });

  test('leaves capacities from CloudFormation parameters to deploy time, and skips the order check when any is a token', () => {
    const { scope, numberParameter } = fixture();

    expect(() => validateCapacities(scope, 'Thing', numberParameter('Min'), numberParameter('Desired'), numberParameter('Max'))).not.toThrow();
    expect(() => validateCapacities(scope, 'Thing', 5, 5, numberParameter('OnlyMax'))).not.toThrow();
  });

  test('fails on a known capacity below its bound even when another is a token', () => {
    const { scope, numberParameter } = fixture();
    expect(() => validateCapacities(scope, 'Thing', numberParameter('Min'), -1, 2))
      .toThrow(`${PREFIX}invalid desiredCapacity: got -1, expected an integer of at least 0`);
  });
});

describe('validateExclusive', () => {
  test.each([
    [{ amazonLinux: undefined, machineImage: undefined }],
    [{ amazonLinux: 'AL2', machineImage: undefined }],
    [{ amazonLinux: undefined, machineImage: 'image' }],
  ])('accepts at most one of the props: %o', (props) => {
    const { scope } = fixture();
    expect(() => validateExclusive(scope, 'Thing', props)).not.toThrow();
  });

  test('fails when both props are given, naming them', () => {
    const { scope } = fixture();
    expect(() => validateExclusive(scope, 'Thing', { amazonLinux: 'AL2', machineImage: 'image' }))
      .toThrow(`${PREFIX}amazonLinux and machineImage cannot be given together; give at most one of them`);
  });

  test('a token counts as given', () => {
    const { scope, stringParameter } = fixture();
    expect(() => validateExclusive(scope, 'Thing', { a: stringParameter('A'), b: Lazy.string({ produce: () => 'b' }) }))
      .toThrow(`${PREFIX}a and b cannot be given together; give at most one of them`);
  });
});

describe('selectSubnets', () => {
  const vpcIn = (stack: Stack, props: ec2.VpcProps) => new ec2.Vpc(stack, 'Vpc', props);

  test('returns the private subnets of two zones', () => {
    const { stack, scope } = fixture();
    const vpc = vpcIn(stack, { maxAzs: 2, natGateways: 1 });

    const selected = selectSubnets(scope, 'Thing', vpc, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'private', 2);

    expect(selected.subnets).toEqual(vpc.privateSubnets);
  });

  test('returns the public subnets', () => {
    const { stack, scope } = fixture();
    const vpc = vpcIn(stack, { maxAzs: 2, natGateways: 1 });

    expect(selectSubnets(scope, 'Thing', vpc, { subnetType: ec2.SubnetType.PUBLIC }, 'public', 1).subnets).toEqual(vpc.publicSubnets);
  });

  test.each<[string, ec2.VpcProps, ec2.SubnetSelection, 'public' | 'private', number, string]>([
    ['a VPC without the subnet type', { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] },
      { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'private', 1,
      "invalid vpcSubnets: got 'subnetType Private', expected a selection of private subnets of the VPC (There are no 'Private' subnet groups in this VPC. Available types: Public)"],
    ['a VPC without the subnet group', { maxAzs: 2, natGateways: 1 }, { subnetGroupName: 'App' }, 'private', 1,
      "invalid vpcSubnets: got 'subnetGroupName App', expected a selection of private subnets of the VPC (There are no subnet groups with name 'App' in this VPC. Available names: Public,Private)"],
    ['private subnets where public ones are wanted', { maxAzs: 2, natGateways: 1 }, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'public', 1,
      "invalid vpcSubnets: got 'subnetType Private', expected public subnets only"],
    ['public subnets where private ones are wanted', { maxAzs: 2, natGateways: 1 }, { subnetType: ec2.SubnetType.PUBLIC }, 'private', 1,
      "invalid vpcSubnets: got 'subnetType Public', expected private subnets only"],
    ['subnets in fewer zones than required', { maxAzs: 1, natGateways: 1 }, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'private', 2,
      "invalid vpcSubnets: got 'subnetType Private in 1 Availability Zone(s)', expected private subnets in at least 2 Availability Zones"],
  ])('fails on %s', (_, vpcProps, selection, wanted, minAzs, message) => {
    const { stack, scope } = fixture();
    const vpc = vpcIn(stack, vpcProps);

    expect(() => selectSubnets(scope, 'Thing', vpc, selection, wanted, minAzs)).toThrow(`${PREFIX}${message}`);
  });

  test('fails on an explicit selection that mixes public and private subnets, counting them', () => {
    const { stack, scope } = fixture();
    const vpc = vpcIn(stack, { maxAzs: 2, natGateways: 1 });

    expect(() => selectSubnets(scope, 'Thing', vpc, { subnets: [vpc.privateSubnets[0], vpc.publicSubnets[1]] }, 'private', 1))
      .toThrow(`${PREFIX}invalid vpcSubnets: got '2 explicit subnet(s)', expected private subnets only`);
  });

  test('accepts an imported VPC whose subnet ids and zones are tokens', () => {
    const { stack, scope, stringParameter } = fixture();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: stringParameter('VpcId'),
      availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())],
      privateSubnetIds: [stringParameter('Private1'), stringParameter('Private2')],
      publicSubnetIds: [stringParameter('Public1'), stringParameter('Public2')],
    });

    const selected = selectSubnets(scope, 'Thing', vpc, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'private', 2);

    expect(stack.resolve(selected.subnetIds)).toEqual([{ Ref: 'Private1' }, { Ref: 'Private2' }]);
  });
});

describe('validateImageArchitecture', () => {
  const ARM = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
  const X86 = new ec2.InstanceType('m5.large');

  test.each([
    ['no image', ARM, undefined],
    ['an arm64 image on t4g', ARM, ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 })],
    ['an x86_64 image on m5', X86, ec2.MachineImage.latestAmazonLinux2({ cpuType: ec2.AmazonLinuxCpuType.X86_64 })],
    ['an image whose parameter names no architecture', X86, ec2.MachineImage.fromSsmParameter('/my/golden-image')],
    ['an image that is not read from SSM', ARM, ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' })],
  ])('accepts %s', (_, instanceType, image) => {
    const { scope } = fixture();
    expect(() => validateImageArchitecture(scope, 'Thing', instanceType, image && imageParameterName(scope, image))).not.toThrow();
  });

  test('fails on an x86_64 image for a t4g instance type', () => {
    const { scope } = fixture();
    const image = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 });

    expect(() => validateImageArchitecture(scope, 'Thing', ARM, image && imageParameterName(scope, image)))
      .toThrow(`${PREFIX}invalid machineImage: got '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64', expected an image for the arm64 architecture of instance type t4g.micro, or an instance type for x86_64`);
  });

  test('fails on an arm64 image for an x86_64 instance type', () => {
    const { scope } = fixture();
    const image = ec2.MachineImage.latestAmazonLinux2({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });

    expect(() => validateImageArchitecture(scope, 'Thing', X86, image && imageParameterName(scope, image)))
      .toThrow(`${PREFIX}invalid machineImage: got '/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2', expected an image for the x86_64 architecture of instance type m5.large, or an instance type for arm64`);
  });

  test('fails on an image resolved at launch from a parameter of the other architecture', () => {
    const { scope } = fixture();
    const image = ec2.MachineImage.resolveSsmParameterAtLaunch('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id');

    expect(() => validateImageArchitecture(scope, 'Thing', ARM, image && imageParameterName(scope, image)))
      .toThrow(`${PREFIX}invalid machineImage: got '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id', expected an image for the arm64 architecture of instance type t4g.micro, or an instance type for x86_64`);
  });

  test('leaves an image whose parameter name is a token to the user', () => {
    const { scope, stringParameter } = fixture();
    const image = ec2.MachineImage.resolveSsmParameterAtLaunch(stringParameter('ImageParameter'));

    expect(() => validateImageArchitecture(scope, 'Thing', ARM, image && imageParameterName(scope, image))).not.toThrow();
  });
});

describe('validateKeyPrefix', () => {
  test.each(['log', 'logs/web', "a!_.*'()-z/2", undefined])('accepts %p', (value) => {
    const { scope } = fixture();
    expect(() => validateKeyPrefix(scope, 'Thing', 'logKeyPrefix', value)).not.toThrow();
  });

  test.each(['', '/logs', 'logs/', '/logs/', 'logs//web', 'my logs'])('fails on %p', (value) => {
    const { scope } = fixture();
    expect(() => validateKeyPrefix(scope, 'Thing', 'logKeyPrefix', value))
      .toThrow(`${PREFIX}invalid logKeyPrefix: got '${value}', expected a non-empty S3 key prefix of letters, digits and !_.*'()- separated by single slashes, with no slash at either end`);
  });

  test('leaves a prefix from a CloudFormation parameter to deploy time', () => {
    const { scope, stringParameter } = fixture();
    expect(() => validateKeyPrefix(scope, 'Thing', 'logKeyPrefix', stringParameter('Prefix'))).not.toThrow();
  });
});

describe('validateTagKey', () => {
  test.each(['Server', 'k', 'x'.repeat(128), 'my:aws:role', undefined])('accepts %p', (value) => {
    const { scope } = fixture();
    expect(() => validateTagKey(scope, 'Thing', 'serverTagKey', value)).not.toThrow();
  });

  test.each(['', 'x'.repeat(129), 'aws:role', 'AWS:role'])('fails on %p', (value) => {
    const { scope } = fixture();
    expect(() => validateTagKey(scope, 'Thing', 'serverTagKey', value))
      .toThrow(`${PREFIX}invalid serverTagKey: got '${value}', expected a tag key of 1 to 128 characters that does not start with 'aws:'`);
  });

  test('leaves a key from a CloudFormation parameter to deploy time', () => {
    const { scope, stringParameter } = fixture();
    expect(() => validateTagKey(scope, 'Thing', 'serverTagKey', stringParameter('TagKey'))).not.toThrow();
  });
});
