import { UnsupportedFeatureError } from '../errors';

/** Where the resolver finds the local values that stand in for deployed ones. */
export interface IntrinsicContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** The value of `Ref` for a resource or parameter, or undefined if it has none locally. */
  readonly ref: (logicalId: string) => unknown;
  /** The value of `Fn::GetAtt`, or undefined if it has none locally. */
  readonly getAtt: (logicalId: string, attribute: string) => unknown;
  /** The value of an export of another stack, or undefined if nothing exports that name. */
  readonly importValue?: (exportName: string) => unknown;
}

/**
 * Resolves the CloudFormation intrinsic functions of a template value to local values.
 * Throws an {@link UnsupportedFeatureError} naming the function when something has no local value.
 */
export class IntrinsicResolver {
  constructor(private readonly context: IntrinsicContext) {}

  /** The partition, URL suffix and AZs a local deployment reports. */
  public get availabilityZones(): string[] {
    return ['a', 'b', 'c'].map(s => `${this.context.region}${s}`);
  }

  public resolve(value: unknown): any {
    if (Array.isArray(value)) return value.map(v => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.resolveFunction(keys[0], (value as any)[keys[0]]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v);
    return out;
  }

  /** Resolves a value that must end up a string. */
  public resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw unresolvable(`expected a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  }

  private resolveFunction(name: string, arg: any): any {
    switch (name) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : arg;
        const v = this.context.getAtt(logicalId, attribute);
        if (v === undefined) throw unresolvable(`Fn::GetAtt ${logicalId}.${attribute} has no local value`);
        return v;
      }
      case 'Fn::Join': {
        const [sep, parts] = arg;
        return (this.resolve(parts) as unknown[]).map(p => stringOf(p)).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = this.resolve(arg);
        const items = list as unknown[];
        if (!Array.isArray(items) || Number(index) >= items.length) throw unresolvable(`Fn::Select index ${index} out of range`);
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [sep, source] = arg;
        return this.resolveString(source).split(sep);
      }
      case 'Fn::GetAZs': return this.availabilityZones;
      case 'Fn::Base64': return Buffer.from(this.resolveString(arg)).toString('base64');
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::ImportValue': {
        const exportName = this.resolveString(arg);
        const v = this.context.importValue?.(exportName);
        if (v === undefined) throw unresolvable(`Fn::ImportValue ${exportName}: no deployed stack exports it`);
        return v;
      }
      default:
        throw unresolvable(`${name} is not supported by the local resolver`);
    }
  }

  private ref(name: string): unknown {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.context.region,
      'AWS::AccountId': this.context.accountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.context.stackName,
      'AWS::StackId': `arn:aws:cloudformation:${this.context.region}:${this.context.accountId}:stack/${this.context.stackName}/local`,
    };
    if (name in pseudo) return pseudo[name];
    const v = this.context.ref(name);
    if (v === undefined) throw unresolvable(`Ref ${name} has no local value`);
    return v;
  }

  private sub(arg: string | [string, Record<string, unknown>]): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, expr: string) => {
      if (expr in vars) return stringOf(this.resolve(vars[expr]));
      if (expr.includes('.') && !expr.startsWith('AWS::')) {
        const [id, attribute] = splitOnce(expr, '.');
        return stringOf(this.resolve({ 'Fn::GetAtt': [id, attribute] }));
      }
      return stringOf(this.ref(expr));
    }).replace(/\$\{!/g, '${');
  }
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + 1)];
}

function stringOf(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw unresolvable(`expected a string, got ${JSON.stringify(v)}`);
}

function unresolvable(message: string): UnsupportedFeatureError {
  return new UnsupportedFeatureError(message);
}
