import { Template } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';

/** One assertion of an integ test's DeployAssert stack, with its parameters resolved. */
export interface DeployAssertion {
  readonly logicalId: string;
  /** `http` for httpApiCall, `sdk` for awsApiCall / invokeFunction. */
  readonly kind: 'http' | 'sdk';
  readonly service?: string;
  readonly api?: string;
  /** Resolved and decoded parameters (an SDK call's values are JSON-encoded in the template). */
  readonly parameters: Record<string, unknown>;
  /** The serialized `ExpectedResult`, parsed; undefined when the call asserts nothing. */
  readonly expected?: unknown;
}

/** An inline Lambda function of the assertion stack (what `invokeFunction` may call). */
export interface InlineFunction {
  readonly logicalId: string;
  readonly code: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  /** The function's environment variables, resolved to the local deployment's values. */
  readonly environment: Record<string, string>;
}

/** Prefixes of the assertions' types: integ-tests-alpha appends the URL's host name or the API. */
const HTTP_CALL = 'Custom::DeployAssert@HttpCall';
const SDK_CALL = 'Custom::DeployAssert@SdkCall';

/**
 * Reads the assertions of a DeployAssert template in the order the test chained them
 * (`DependsOn`, which `.next()` writes), template order otherwise.
 */
export function readDeployAssertions(template: Template, resolver: IntrinsicResolver): DeployAssertion[] {
  const resources = template.Resources ?? {};
  const ids = Object.keys(resources).filter(id => resources[id].Type.startsWith(HTTP_CALL) || resources[id].Type.startsWith(SDK_CALL));
  const ordered: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.includes(id) || path.includes(id)) return;
    const deps: string[] = ((resources[id] as any).DependsOn ?? []).filter((d: string) => ids.includes(d));
    deps.forEach(d => visit(d, [...path, id]));
    ordered.push(id);
  };
  ids.forEach(id => visit(id, []));

  return ordered.map(id => {
    const r = resources[id];
    const p = r.Properties ?? {};
    const http = r.Type.startsWith(HTTP_CALL);
    const raw: Record<string, unknown> = resolver.resolve(p.parameters ?? {});
    const parameters = http ? raw : Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(v)]));
    return {
      logicalId: id,
      kind: http ? 'http' : 'sdk',
      service: p.service,
      api: p.api,
      parameters,
      expected: p.expected !== undefined ? JSON.parse(resolver.resolveString(p.expected)) : undefined,
    };
  });
}

/** The inline-code Lambda functions of a template, by the name their `Ref` resolves to. */
export function inlineFunctions(template: Template, resolver: IntrinsicResolver): InlineFunction[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && typeof r.Properties?.Code?.ZipFile === 'string')
    .map(([id, r]) => ({
      logicalId: id,
      code: r.Properties!.Code.ZipFile,
      handler: r.Properties!.Handler ?? 'index.handler',
      timeoutSeconds: Number(r.Properties!.Timeout ?? 3),
      environment: resolver.resolve(r.Properties!.Environment?.Variables ?? {}),
    }));
}

function decode(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
