import { CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * Prop checks shared by the nlb-tiers constructs.
 *
 * Each check skips values that are still tokens, and fails with a message that names the
 * construct, the prop, the value received and what is allowed.
 */

/** Throws the error for one invalid prop. */
export function invalidProp(scope: IConstruct, construct: string, prop: string, received: unknown, allowed: string): never {
  const shown = typeof received === 'string' ? `'${received}'` : String(received);
  throw new Error(`${construct} at '${scope.node.path}': invalid ${prop}: got ${shown}, expected ${allowed}`);
}

/** Checks that a number is an integer in [min, max]. */
export function validateInteger(scope: IConstruct, construct: string, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalidProp(scope, construct, prop, value, `an integer from ${min} to ${max}`);
  }
}

/** Checks a TCP port. */
export function validatePort(scope: IConstruct, construct: string, prop: string, value: number | undefined): void {
  validateInteger(scope, construct, prop, value, 1, 65535);
}

/** Checks that a duration is a whole number of `unit` in [min, max]. */
export function validateDuration(scope: IConstruct, construct: string, prop: string, value: Duration | undefined,
  unit: 'seconds' | 'days', min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const amount = unit === 'days' ? value.toDays({ integral: false }) : value.toSeconds({ integral: false });
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    invalidProp(scope, construct, prop, `${amount} ${unit}`, `a whole number of ${unit} from ${min} to ${max}`);
  }
}

/**
 * Checks an Elastic Load Balancing name: at most 32 letters, digits and hyphens, no hyphen at
 * either end, and (for load balancers) not starting with `internal-`.
 */
export function validateElbName(scope: IConstruct, construct: string, prop: string, value: string | undefined, kind: 'load balancer' | 'target group'): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const allowed = `a ${kind} name of 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen`
    + (kind === 'load balancer' ? ' or starting with \'internal-\'' : '');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(value)
    || (kind === 'load balancer' && value.toLowerCase().startsWith('internal-'))) {
    invalidProp(scope, construct, prop, value, allowed);
  }
}

/** Checks `0 <= minCapacity <= desiredCapacity <= maxCapacity`, and `maxCapacity >= 1`. */
export function validateCapacities(scope: IConstruct, construct: string, min: number, desired: number, max: number): void {
  const atLeast = (prop: string, value: number, lowest: number) => {
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < lowest)) {
      invalidProp(scope, construct, prop, value, `an integer of at least ${lowest}`);
    }
  };
  atLeast('minCapacity', min, 0);
  atLeast('desiredCapacity', desired, 0);
  atLeast('maxCapacity', max, 1);
  if ([min, desired, max].some(v => Token.isUnresolved(v))) return;
  if (min > max) {
    invalidProp(scope, construct, 'minCapacity', min, `at most maxCapacity (${max})`);
  }
  if (desired < min || desired > max) {
    invalidProp(scope, construct, 'desiredCapacity', desired, `a value from minCapacity (${min}) to maxCapacity (${max})`);
  }
}

/** Checks that at most one of two mutually exclusive props is given. */
export function validateExclusive(scope: IConstruct, construct: string, props: Record<string, unknown>): void {
  const given = Object.entries(props).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length > 1) {
    throw new Error(`${construct} at '${scope.node.path}': ${given.join(' and ')} cannot be given together; give at most one of them`);
  }
}

/**
 * Selects subnets, failing with the construct's own message where the VPC has none that match
 * or where they span fewer Availability Zones than required.
 */
export function selectSubnets(scope: IConstruct, construct: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection,
  wanted: 'public' | 'private', minAzs: number): ec2.SelectedSubnets {
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection);
  } catch (e) {
    return invalidProp(scope, construct, 'vpcSubnets', describeSelection(selection), `a selection of ${wanted} subnets of the VPC (${(e as Error).message})`);
  }
  if (selected.subnets.length === 0) {
    invalidProp(scope, construct, 'vpcSubnets', describeSelection(selection), `a selection of ${wanted} subnets of the VPC, which has none`);
  }
  const isPublic = (subnet: ec2.ISubnet) => vpc.publicSubnets.some(p => p.subnetId === subnet.subnetId);
  if (selected.subnets.some(subnet => isPublic(subnet) !== (wanted === 'public'))) {
    invalidProp(scope, construct, 'vpcSubnets', describeSelection(selection), `${wanted} subnets only`);
  }
  const azs = new Set(selected.subnets.map(s => s.availabilityZone));
  if (azs.size < minAzs) {
    invalidProp(scope, construct, 'vpcSubnets', `${describeSelection(selection)} in ${azs.size} Availability Zone(s)`, `${wanted} subnets in at least ${minAzs} Availability Zones`);
  }
  return selected;
}

function describeSelection(selection: ec2.SubnetSelection): string {
  if (selection.subnetType) return `subnetType ${selection.subnetType}`;
  if (selection.subnetGroupName) return `subnetGroupName ${selection.subnetGroupName}`;
  if (selection.subnets) return `${selection.subnets.length} explicit subnet(s)`;
  return 'a custom selection';
}

/**
 * Checks that a machine image built for one CPU architecture is not paired with an instance type
 * of another. Only images read from an SSM parameter whose name says the architecture (as the
 * public Amazon Linux parameters do) can be checked, given that parameter's name
 * ({@link imageParameterName}); others are left to the user.
 */
export function validateImageArchitecture(scope: IConstruct, construct: string, instanceType: ec2.InstanceType,
  parameterName: string | undefined): void {
  if (parameterName === undefined) return;
  const imageArch = /arm64|aarch64/.test(parameterName) ? ec2.InstanceArchitecture.ARM_64
    : /x86_64|amd64/.test(parameterName) ? ec2.InstanceArchitecture.X86_64 : undefined;
  if (imageArch !== undefined && imageArch !== instanceType.architecture) {
    invalidProp(scope, construct, 'machineImage', parameterName,
      `an image for the ${instanceType.architecture} architecture of instance type ${instanceType}, or an instance type for ${imageArch}`);
  }
}

/**
 * The name of the SSM parameter an image's id is read from, if it is one. Call it once per image
 * and scope: it registers the image's parameter (or mapping) in the stack.
 */
export function imageParameterName(scope: IConstruct, image: ec2.IMachineImage): string | undefined {
  // getImage() registers the stack's parameter for the image; the instance later reuses it.
  const stack = Stack.of(scope);
  const imageId = stack.resolve(image.getImage(scope).imageId);
  if (typeof imageId === 'string') {
    return imageId.startsWith('resolve:ssm:') ? imageId.slice('resolve:ssm:'.length) : undefined;
  }
  const parameter = stack.node.findAll()
    .find(c => c instanceof CfnParameter && stack.resolve(c.logicalId) === imageId?.Ref) as CfnParameter | undefined;
  return typeof parameter?.default === 'string' ? parameter.default : undefined;
}

/** Checks an S3 key prefix: not empty, no leading or trailing slash. */
export function validateKeyPrefix(scope: IConstruct, construct: string, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(value)) {
    invalidProp(scope, construct, prop, value, 'a non-empty S3 key prefix of letters, digits and !_.*\'()- separated by single slashes, with no slash at either end');
  }
}

/**
 * The values an association's rate controls take, as the `AWS::SSM::Association` schema (and the
 * CreateAssociation API) constrain them: `MaxConcurrency` a number from 1 or a percentage from 1%
 * to 100%, `MaxErrors` the same or 0 (0% included), without leading zeros.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html
 */
const RATE_CONTROLS = {
  maxConcurrency: { pattern: /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/, allowed: 'a whole number from 1 (such as \'1\') or a percentage from 1% to 100% (such as \'10%\'), without leading zeros' },
  maxErrors: { pattern: /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/, allowed: 'a whole number from 0 (such as \'0\') or a percentage from 0% to 100% (such as \'10%\'), without leading zeros' },
};

/** Checks an association's `maxConcurrency` or `maxErrors` (`kind`); `prop` names it as the construct calls it. */
export function validateRateControl(scope: IConstruct, construct: string, prop: string, kind: keyof typeof RATE_CONTROLS,
  value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const { pattern, allowed } = RATE_CONTROLS[kind];
  if (value.length > 7 || !pattern.test(value)) invalidProp(scope, construct, prop, value, allowed);
}

/** Checks a tag key: 1-128 characters, not in the reserved `aws:` namespace. */
export function validateTagKey(scope: IConstruct, construct: string, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length < 1 || value.length > 128 || value.toLowerCase().startsWith('aws:')) {
    invalidProp(scope, construct, prop, value, 'a tag key of 1 to 128 characters that does not start with \'aws:\'');
  }
}
