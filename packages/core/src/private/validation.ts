import { Duration, Token } from 'aws-cdk-lib';
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

/** Checks `0 <= minCapacity <= desiredCapacity <= maxCapacity`. */
export function validateCapacities(scope: IConstruct, construct: string, min: number, desired: number, max: number): void {
  validateInteger(scope, construct, 'minCapacity', min, 0, Number.MAX_SAFE_INTEGER);
  validateInteger(scope, construct, 'maxCapacity', max, 1, Number.MAX_SAFE_INTEGER);
  validateInteger(scope, construct, 'desiredCapacity', desired, 0, Number.MAX_SAFE_INTEGER);
  if ([min, desired, max].some(v => Token.isUnresolved(v))) return;
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
