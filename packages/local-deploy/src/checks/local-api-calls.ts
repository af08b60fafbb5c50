import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InlineFunction } from './deploy-assertions';
import { LocalDeployment, PublishedEndpoint } from '../deploy/deployment';
import { caEnvironment, get, InternetClient } from '../runtime/http-client';

/** The answer of a call, or why it has no local equivalent. */
export type CallResult = { readonly response: unknown } | { readonly unsupported: string } | { readonly error: string };

/**
 * Rewrites every URL that names an Elastic IP (and the port its web server is published for) to
 * the 127.0.0.1 address where the local deployment publishes it. Works through nested values.
 */
export function rewriteUrls(value: unknown, endpoints: PublishedEndpoint[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/http:\/\/([\d.]+)(?::(\d+))?/g, (url, ip: string, port?: string) => {
      const e = endpoints.find(x => x.elasticIp === ip && x.servedPort === Number(port ?? 80));
      return e ? `http://127.0.0.1:${e.port}` : url;
    });
  }
  if (Array.isArray(value)) return value.map(v => rewriteUrls(v, endpoints));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteUrls(v, endpoints)]));
  return value;
}

/** The Internet client of a deployment with internet-facing balancers: where integ calls run. */
export function internetClient(deployment: LocalDeployment): InternetClient | undefined {
  if (!deployment.hasInternetFacingBalancers) return undefined;
  return deployment.internetClient;
}

/** A GET that follows redirects, as integ-tests-alpha's `httpApiCall` handler (fetch) does. */
const FETCH_SCRIPT = 'fetch(process.env.NLBT_URL, { signal: AbortSignal.timeout(5000) })' +
  '.then(async r => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })),' +
  ' e => process.stdout.write(JSON.stringify({ error: String(e && e.cause && e.cause.code || e && e.message || e) })))';

/** `httpApiCall`: the response in the shape integ-tests-alpha's handler gives it (JSON bodies parsed). */
export async function httpCall(url: string, client?: InternetClient): Promise<CallResult> {
  let r: { status?: number; body: string; error?: string };
  if (client) {
    const run = await runNode(FETCH_SCRIPT, { PATH: process.env.PATH ?? '/usr/bin:/bin', NLBT_URL: url, ...caEnvironment(client) }, 10_000, client.namespace);
    try {
      r = { body: '', ...JSON.parse(run.stdout) };
    } catch {
      r = { body: '', error: run.error?.message ?? run.stderr.trim() };
    }
  } else {
    r = await get(url, 5000);
  }
  if (r.error && r.status === undefined) return { response: { ok: false, status: 0, body: r.error } };
  let body: unknown = r.body;
  try {
    body = JSON.parse(r.body);
  } catch {
    // Not JSON: the text as is.
  }
  return { response: { ok: r.status! >= 200 && r.status! < 300, status: r.status, body } };
}

/** `awsApiCall` mapped to the local deployment's state, where the call has a local meaning. */
export async function sdkCall(service: string, api: string, parameters: Record<string, unknown>, deployment: LocalDeployment,
  functions: InlineFunction[]): Promise<CallResult> {
  const call = `${service}.${api}`;
  switch (call) {
    case 'ElasticLoadBalancingV2.describeTargetHealth': {
      const targets = deployment.targetHealth()[String(parameters.TargetGroupArn)];
      if (!targets) return { unsupported: `no local target group has the ARN ${parameters.TargetGroupArn}` };
      return {
        response: {
          TargetHealthDescriptions: targets.map(t => ({
            Target: { Id: t.id, Port: t.port },
            HealthCheckPort: String(t.port),
            TargetHealth: t.state === 'healthy' ? { State: 'healthy' } : { State: t.state, Reason: t.reason },
          })),
        },
      };
    }
    case 'Lambda.invoke': {
      const fn = functions.find(f => f.logicalId === parameters.FunctionName);
      if (!fn) return { unsupported: `the function ${parameters.FunctionName} has no inline code to run locally` };
      // Lambda parses the payload bytes as JSON and rejects the call when they are not.
      let event: unknown = {};
      if (parameters.Payload !== undefined) {
        try {
          event = typeof parameters.Payload === 'string' ? JSON.parse(parameters.Payload) : parameters.Payload;
        } catch (e) {
          return { error: `Lambda would reject the call (InvalidRequestContentException): the Payload is not JSON (${(e as Error).message}): ${String(parameters.Payload).slice(0, 200)}` };
        }
      }
      return { response: await invokeInline(fn, event, internetClient(deployment)) };
    }
    default:
      return { unsupported: `${call} has no local equivalent` };
  }
}

/**
 * Runs an inline Lambda handler with this machine's Node.js, bounded by the function's timeout.
 * Asynchronously: the handler's requests go through listeners of this process (the published
 * Elastic IPs), which must keep serving while it runs. With an Internet client, it runs there
 * instead, as a Lambda function outside a VPC reaches internet-facing balancers.
 */
async function invokeInline(fn: InlineFunction, event: unknown, client: InternetClient | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-fn-'));
  try {
    const [moduleName, handler] = fn.handler.split('.');
    fs.writeFileSync(path.join(dir, `${moduleName}.js`), fn.code);
    const runner = `Promise.resolve(require(${JSON.stringify(path.join(dir, moduleName))})[${JSON.stringify(handler)}](${JSON.stringify(event)}))` +
      '.then(r => process.stdout.write(JSON.stringify(r === undefined ? null : r)), e => { process.stdout.write(JSON.stringify({ errorMessage: String(e && e.message || e) })); process.exitCode = 3; })';
    // As in Lambda, the handler sees its own environment variables, not the caller's.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...fn.environment, ...caEnvironment(client) };
    const r = await runNode(runner, env, fn.timeoutSeconds * 1000, client?.namespace);
    const failed = r.status !== 0;
    return {
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      ...(failed ? { FunctionError: 'Unhandled' } : {}),
      Payload: r.stdout || JSON.stringify({ errorMessage: r.error?.message ?? r.stderr.trim() }),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface NodeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: Error;
}

/**
 * Runs a Node.js script in a child process (in a network namespace, when given), killed (by its
 * PID) when it outlives the timeout.
 */
function runNode(script: string, env: NodeJS.ProcessEnv, timeoutMs: number, namespace?: string): Promise<NodeRun> {
  return new Promise(resolve => {
    const command = namespace ? ['ip', 'netns', 'exec', namespace, process.execPath, '-e', script] : [process.execPath, '-e', script];
    const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    const timer = setTimeout(() => {
      error = new Error(`Task timed out after ${timeoutMs / 1000} seconds`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', e => { error = e; });
    child.on('close', status => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, error });
    });
  });
}
