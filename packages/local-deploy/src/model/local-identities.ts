import { createHash } from 'crypto';

/**
 * Deterministic stand-ins for the identifiers AWS assigns at deploy time. The same stack and
 * logical id always map to the same value, so outputs and snapshots of a local run are stable.
 */
export class LocalIdentities {
  constructor(private readonly stackName: string, public readonly region: string, public readonly accountId: string) {}

  /** An id such as `i-0123456789abcdef0` (17 hex digits, as EC2 uses). */
  public resourceId(prefix: string, ...parts: Array<string | number>): string {
    return `${prefix}-${this.hex(17, ...parts)}`;
  }

  public instanceId(logicalId: string, index = 0): string {
    return this.resourceId('i', logicalId, index);
  }

  /** A load balancer's DNS name, in the shape AWS gives it (internal ones start with `internal-`). */
  public loadBalancerDnsName(logicalId: string, internal = true): string {
    const name = this.loadBalancerName(logicalId);
    return `${internal ? 'internal-' : ''}${name}-${this.hex(16, logicalId, 'dns')}.elb.${this.region}.amazonaws.com`;
  }

  public loadBalancerName(logicalId: string): string {
    return `${this.stackName}-${logicalId}`.replace(/[^a-zA-Z0-9-]/g, '').slice(0, 24).replace(/-+$/, '');
  }

  public arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** `kind`: `net` for a Network, `app` for an Application Load Balancer. */
  public loadBalancerArn(logicalId: string, kind: 'net' | 'app' = 'net'): string {
    return this.arn('elasticloadbalancing', `loadbalancer/${kind}/${this.loadBalancerName(logicalId)}/${this.hex(16, logicalId)}`);
  }

  public targetGroupArn(logicalId: string): string {
    const name = logicalId.slice(0, 24);
    return this.arn('elasticloadbalancing', `targetgroup/${name}/${this.hex(16, logicalId)}`);
  }

  public listenerArn(logicalId: string, loadBalancerLogicalId: string, kind: 'net' | 'app' = 'net'): string {
    return this.arn('elasticloadbalancing',
      `listener/${kind}/${this.loadBalancerName(loadBalancerLogicalId)}/${this.hex(16, loadBalancerLogicalId)}/${this.hex(16, logicalId)}`);
  }

  public autoScalingGroupName(logicalId: string): string {
    return `${this.stackName}-${logicalId}-${this.hex(12, logicalId).toUpperCase()}`;
  }

  /** An ACM certificate's ARN: `certificate/` and a UUID. */
  public certificateArn(logicalId: string): string {
    const h = this.hex(32, logicalId, 'certificate');
    return this.arn('acm', `certificate/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }

  /** The name CloudFormation gives an SSM document without a Name: stack, logical id, random suffix. */
  public documentName(logicalId: string): string {
    return `${this.stackName}-${logicalId}-${this.hex(12, logicalId, 'document').toUpperCase()}`;
  }

  private hex(length: number, ...parts: Array<string | number>): string {
    return createHash('sha256').update([this.stackName, ...parts].join('/')).digest('hex').slice(0, length);
  }
}
