import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseSecretValues } from '../../src/aws-api';
import { ExitCode } from '../../src/errors';

/**
 * The AWS API stand-in (the compiled agent, on this machine's loopback) answered by the hosts'
 * `aws` shim, as an instance's AWS CLI calls it: the HTTP shapes of SSM's and Secrets Manager's
 * JSON 1.1 APIs, from a values file read at every call.
 */
const AGENT = path.join(__dirname, '..', '..', 'lib', 'runtime', 'agents', 'aws-api-server.js');
const AWS_SHIM = path.join(__dirname, '..', '..', 'src', 'provisioning', 'shims', 'usr', 'bin', 'aws');
const CANARY = 'canary-0c5a "quoted"\nline';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('the AWS API stand-in and the hosts\' aws', () => {
  let tmp: string;
  let values: string;
  let port: number;
  let agent: ChildProcess;
  let log: string;
  const endpoint = () => `http://127.0.0.1:${port}`;
  const aws = (args: string[], env: Record<string, string> = { AWS_ENDPOINT_URL_SSM: endpoint(), AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint() }) =>
    spawnSync('/usr/bin/python3', [AWS_SHIM, ...args], { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf-8', timeout: 20_000 });
  const post = async (target: string, body: unknown) => {
    const response = await fetch(endpoint(), { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() as any };
  };

  beforeAll(async () => {
    if (!fs.existsSync(AGENT)) throw new Error(`${AGENT} is missing: compile the package first (npx projen compile)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-api-'));
    values = path.join(tmp, 'values.json');
    fs.writeFileSync(values, JSON.stringify({
      ssmParameters: { '/app/db-password': CANARY, 'plain': 'p' },
      secrets: { 'prod/api': '{"token":"t-1"}', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/other-AbCdEf': 'o' },
    }));
    port = await freePort();
    log = path.join(tmp, 'agent.log');
    const fd = fs.openSync(log, 'a');
    agent = spawn(process.execPath, [AGENT, values, '127.0.0.1', String(port), 'eu-west-1'], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    for (let i = 0; i < 100; i++) {
      if (await new Promise(resolve => net.connect(port, '127.0.0.1').on('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).on('error', () => resolve(false)))) break;
      await new Promise(r => setTimeout(r, 50));
    }
  });

  afterAll(() => {
    agent?.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('aws ssm get-parameter --with-decryption prints the CLI\'s JSON with the value; the request is JSON 1.1 with X-Amz-Target', async () => {
    const r = aws(['ssm', 'get-parameter', '--name', '/app/db-password', '--with-decryption', '--region', 'eu-west-1', '--output', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).Parameter).toMatchObject({
      Name: '/app/db-password', Type: 'SecureString', Value: CANARY, Version: 1, DataType: 'text', ARN: 'arn:aws:ssm:eu-west-1:000000000000:parameter/app/db-password',
    });
    const direct = await post('AmazonSSM.GetParameter', { Name: 'arn:aws:ssm:eu-west-1:111111111111:parameter/app/db-password', WithDecryption: true });
    expect(direct).toMatchObject({ status: 200, type: 'application/x-amz-json-1.1', body: { Parameter: { Name: '/app/db-password', Value: CANARY } } });
  });

  test('without decryption a SecureString\'s value is opaque, not the value', async () => {
    const { body } = await post('AmazonSSM.GetParameter', { Name: '/app/db-password' });
    expect(body.Parameter.Value).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(body.Parameter.Value).not.toContain('canary');
  });

  test('GetParameters answers the found ones and lists the others as invalid', async () => {
    const { status, body } = await post('AmazonSSM.GetParameters', { Names: ['plain', 'missing'], WithDecryption: true });
    expect(status).toBe(200);
    expect(body.Parameters.map((p: any) => [p.Name, p.Value])).toEqual([['plain', 'p']]);
    expect(body.InvalidParameters).toEqual(['missing']);
  });

  test('aws secretsmanager get-secret-value finds a secret by name, by its complete ARN, and by the name of a stored ARN', async () => {
    const byName = aws(['secretsmanager', 'get-secret-value', '--secret-id', 'prod/api', '--region', 'eu-west-1']);
    expect(byName.status).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ Name: 'prod/api', SecretString: '{"token":"t-1"}', VersionStages: ['AWSCURRENT'], ARN: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:000000000000:secret:prod\/api-[A-Za-z0-9]{6}$/) });
    const arn = JSON.parse(byName.stdout).ARN;
    expect((await post('secretsmanager.GetSecretValue', { SecretId: arn })).body.SecretString).toBe('{"token":"t-1"}');
    expect((await post('secretsmanager.GetSecretValue', { SecretId: 'prod/other' })).body).toMatchObject({
      ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/other-AbCdEf', SecretString: 'o',
    });
  });

  test('missing ones fail as the services and the CLI do: ParameterNotFound, ResourceNotFoundException, exit 254', async () => {
    expect(await post('AmazonSSM.GetParameter', { Name: 'nope' })).toMatchObject({ status: 400, body: { __type: 'ParameterNotFound' } });
    const r = aws(['secretsmanager', 'get-secret-value', '--secret-id', 'nope', '--region', 'eu-west-1']);
    expect(r).toMatchObject({ status: 254, stdout: '' });
    expect(r.stderr).toBe('\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can\'t find the specified secret.\n');
    expect(await post('AmazonSSM.PutParameter', {})).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
  });

  test('an edit of the values file is answered at the next call: a rotation', async () => {
    const original = fs.readFileSync(values, 'utf-8');
    try {
      fs.writeFileSync(values, JSON.stringify({ ssmParameters: { plain: 'rotated' } }));
      expect((await post('AmazonSSM.GetParameter', { Name: 'plain', WithDecryption: true })).body.Parameter.Value).toBe('rotated');
    } finally {
      fs.writeFileSync(values, original);
    }
  });

  test('the hosts\' aws needs the endpoint variables (it reaches nothing else) and a region, and runs only these calls', () => {
    expect(aws(['ssm', 'get-parameter', '--name', 'plain', '--region', 'eu-west-1'], {})).toMatchObject({ status: 255, stderr: expect.stringMatching(/no AWS_ENDPOINT_URL_SSM on this local host/) });
    expect(aws(['ssm', 'get-parameter', '--name', 'plain'])).toMatchObject({ status: 253, stderr: expect.stringMatching(/^You must specify a region/) });
    expect(aws(['s3', 'ls'])).toMatchObject({ status: 252, stderr: expect.stringMatching(/runs only: aws ssm get-parameter, aws ssm get-parameters, aws secretsmanager get-secret-value/) });
  });

  test('its log names operations and statuses, never a value', () => {
    const text = fs.readFileSync(log, 'utf-8');
    expect(text).toMatch(/^AmazonSSM\.GetParameter 200$/m);
    expect(text).toMatch(/^secretsmanager\.GetSecretValue 400 ResourceNotFoundException$/m);
    expect(text).not.toMatch(/canary|t-1|rotated/);
  });
});

describe('parseSecretValues', () => {
  test('reads both sections; either may be left out', () => {
    expect(parseSecretValues('{"ssmParameters":{"a":"1"}}', 'f.json')).toEqual({ ssmParameters: { a: '1' }, secrets: {} });
  });

  test.each([
    ['not JSON: the message does not quote the text, which holds values', '{"ssmParameters": {"a": "s3cret"', /^--secret-values f\.json: not JSON; expected a JSON object \{"ssmParameters"/],
    ['an unknown key', '{"parameters": {}}', /unknown key "parameters"; expected/],
    ['a value that is not a string', '{"secrets": {"s": 1}}', /"secrets"\."s" is not a string; expected/],
  ])('fails on %s, with exit 2', (_, text, message) => {
    let error: any;
    try {
      parseSecretValues(text, 'f.json');
    } catch (e) {
      error = e;
    }
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('s3cret');
    expect(error.exitCode).toBe(ExitCode.USAGE);
  });
});
