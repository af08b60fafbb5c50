import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * app_secrets.py, the unit's ExecStartPre= and first ExecReload=, and the playbook's check: run
 * with Debian's Python against an `aws` on PATH that answers as the AWS CLI does (its JSON output)
 * from a file of stored values, and records each call.
 */
const SCRIPT = path.join(__dirname, '..', 'assets', 'playbook', 'app_secrets.py');
const PYTHON = '/usr/bin/python3';
const CANARY = 'canary-41c1e8d0 "quoted"\nsecond line';

/** The CLI's output of get-parameter and get-secret-value, from the stored values; an unknown id fails as the CLI does. */
const FAKE_AWS = `#!/usr/bin/python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ['CALLS'], 'a') as f:
    f.write(' '.join(args) + '\\n')
stored = json.load(open(os.environ['STORED']))
def opt(name):
    return args[args.index(name) + 1]
if args[:2] == ['ssm', 'get-parameter']:
    value = stored.get(opt('--name'))
    if value is None:
        sys.stderr.write('An error occurred (ParameterNotFound) when calling the GetParameter operation: \\n'); sys.exit(254)
    print(json.dumps({'Parameter': {'Name': opt('--name'), 'Type': 'SecureString', 'Value': value, 'Version': 1}}))
elif args[:2] == ['secretsmanager', 'get-secret-value']:
    value = stored.get(opt('--secret-id'))
    if value is None:
        sys.stderr.write("An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\\n"); sys.exit(254)
    print(json.dumps({'ARN': 'arn', 'Name': opt('--secret-id'), 'SecretString': value}))
else:
    sys.exit(252)
`;

describe('app_secrets.py', () => {
  let tmp: string;
  let env: Record<string, string>;
  const references = () => path.join(tmp, 'app-secrets.json');
  const out = () => path.join(tmp, 'run', 'secrets.json');
  const run = (...args: string[]) => spawnSync(PYTHON, [SCRIPT, ...args], { env, encoding: 'utf-8', timeout: 30_000 });
  const store = (values: Record<string, string>) => fs.writeFileSync(env.STORED, JSON.stringify(values));

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'app-secrets-'));
    fs.mkdirSync(path.join(tmp, 'bin'));
    fs.mkdirSync(path.join(tmp, 'run'));
    fs.writeFileSync(path.join(tmp, 'bin', 'aws'), FAKE_AWS, { mode: 0o755 });
    env = { PATH: `${path.join(tmp, 'bin')}:/usr/bin:/bin`, CALLS: path.join(tmp, 'calls'), STORED: path.join(tmp, 'stored.json') };
    fs.writeFileSync(references(), JSON.stringify({
      DB_PASSWORD: { source: 'ssm', id: '/app/db-password', region: 'eu-west-1' },
      API_TOKEN: { source: 'secretsmanager', id: 'prod/api', region: 'eu-west-1', field: 'token' },
      RAW: { source: 'secretsmanager', id: 'prod/raw', region: 'eu-west-1' },
    }));
    store({ '/app/db-password': CANARY, 'prod/api': JSON.stringify({ token: 't-1', user: 'u' }), 'prod/raw': 'raw-1' });
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('fetch writes every value, decrypted, to a file only the owner may read, and prints names only', () => {
    const result = run('fetch', references(), out(), 'nobody');

    expect(result.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out(), 'utf-8'))).toEqual({ DB_PASSWORD: CANARY, API_TOKEN: 't-1', RAW: 'raw-1' });
    const stat = fs.statSync(out());
    expect((stat.mode % 0o1000).toString(8)).toBe('400');
    expect(stat.uid).toBe(Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf-8' }).stdout.trim()));
    expect(result.stdout).toBe('wrote 3 secret(s) for the app: API_TOKEN, DB_PASSWORD, RAW\n');
    expect(result.stdout + result.stderr).not.toContain('canary');
    expect(fs.readFileSync(env.CALLS, 'utf-8').trim().split('\n').sort()).toEqual([
      'secretsmanager get-secret-value --secret-id prod/api --region eu-west-1 --output json',
      'secretsmanager get-secret-value --secret-id prod/raw --region eu-west-1 --output json',
      'ssm get-parameter --name /app/db-password --with-decryption --region eu-west-1 --output json',
    ]);
    // Nothing is left beside the file (no temporary copy).
    expect(fs.readdirSync(path.join(tmp, 'run'))).toEqual(['secrets.json']);
  });

  test('check exits 0 while the app has the current values, 3 once one was rotated, naming it and no value', () => {
    expect(run('fetch', references(), out(), 'nobody').status).toBe(0);
    expect(run('check', references(), out())).toMatchObject({ status: 0, stdout: 'the app has the current value of its 3 secret(s)\n' });

    store({ '/app/db-password': 'rotated', 'prod/api': JSON.stringify({ token: 't-1' }), 'prod/raw': 'raw-1' });
    const check = run('check', references(), out());

    expect(check).toMatchObject({ status: 3, stdout: 'secrets to load again: DB_PASSWORD\n' });
    expect(check.stdout + check.stderr).not.toMatch(/rotated|canary/);
  });

  test('check exits 3 when the app has loaded none yet', () => {
    expect(run('check', references(), out())).toMatchObject({ status: 3 });
  });

  test('no references: fetch writes an empty object and calls nothing', () => {
    fs.rmSync(references());
    expect(run('fetch', references(), out(), 'nobody').status).toBe(0);
    expect(fs.readFileSync(out(), 'utf-8')).toBe('{}');
    expect(fs.existsSync(env.CALLS)).toBe(false);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['fails with the CLI\'s error when a parameter is missing', { 'prod/api': '{"token":"t"}', 'prod/raw': 'r' },
      /^cannot read the secret of DB_PASSWORD \(ssm \/app\/db-password\): An error occurred \(ParameterNotFound\) when calling the GetParameter operation/],
    ['fails when the field is not in the secret', { '/app/db-password': 'p', 'prod/api': '{"user":"u"}', 'prod/raw': 'r' },
      /^cannot read the secret of API_TOKEN \(secretsmanager prod\/api\): API_TOKEN: the secret prod\/api is not a JSON object with the field token/],
  ])('%s, and writes nothing', (_, stored, message) => {
    store(stored);
    const result = run('fetch', references(), out(), 'nobody');

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(fs.existsSync(out())).toBe(false);
  });

  test('fails with its usage on bad arguments', () => {
    expect(run('fetch', references())).toMatchObject({ status: 2, stderr: expect.stringMatching(/^Usage:/) });
  });
});
