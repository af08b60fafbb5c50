/**
 * Stand-in of the AWS APIs an instance reads its app's secrets from, inside one host's namespace:
 * SSM Parameter Store's `GetParameter` and `GetParameters`, Secrets Manager's `GetSecretValue`,
 * as their HTTP APIs are: a POST of JSON 1.1 (`Content-Type: application/x-amz-json-1.1`) whose
 * `X-Amz-Target` header names the operation (`AmazonSSM.GetParameter`,
 * `secretsmanager.GetSecretValue`), answered with the operation's JSON, or an error's HTTP status
 * with its `__type`.
 *
 * The values are the user's `--secret-values` file, read at every request (so a rotation is an
 * edit of the file); none is written anywhere, and the log names operations, ids and statuses only.
 * Requests are not signed locally: every caller is the host's own instance.
 *
 * Arguments: the values file ('' for none: every parameter and secret is missing), address, port, region.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
import { createHash, createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { parseSecretValues, SecretValues } from '../../aws-api';

const [valuesFile, address, port, region] = process.argv.slice(2);
/** The account of the ARNs the stand-in answers with (the local deploy has no account of its own). */
const ACCOUNT = '000000000000';
/** Stands in for the KMS data key: what a read without decryption returns is opaque, not the value. */
const CIPHER_KEY = randomBytes(32);
const STARTED = Math.floor(Date.now() / 1000);

function values(): SecretValues {
  return valuesFile ? parseSecretValues(fs.readFileSync(valuesFile, 'utf-8'), valuesFile) : { ssmParameters: {}, secrets: {} };
}

/** A parameter's name from its name or ARN (`arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`). */
function parameterName(nameOrArn: string): string {
  const m = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/(.+)$/.exec(nameOrArn);
  if (!m) return nameOrArn;
  // A name with a hierarchy starts with a slash, which its ARN leaves out.
  return m[1].includes('/') ? `/${m[1]}` : m[1];
}

function parameter(name: string, value: string, decrypt: boolean) {
  return {
    Name: name,
    Type: 'SecureString',
    Value: decrypt ? value : createHmac('sha256', CIPHER_KEY).update(value).digest('base64'),
    Version: 1,
    LastModifiedDate: STARTED,
    ARN: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
    DataType: 'text',
  };
}

/** A secret's name from an ARN: `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`. */
function secretNameOfArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(arn);
  return m?.[1];
}

/** The stored secret a SecretId (a name, a complete or partial ARN) names, with its name and complete ARN. */
function findSecret(id: string, stored: Record<string, string>): { name: string; arn: string; value: string } | undefined {
  const name = secretNameOfArn(id) ?? id;
  const key = id in stored ? id : Object.keys(stored).find(k => k === name || secretNameOfArn(k) === name);
  if (key === undefined) return undefined;
  const suffix = createHash('sha256').update(name).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  const arn = key.startsWith('arn:') ? key : `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${suffix}`;
  return { name, arn, value: stored[key] };
}

type Answer = [number, Record<string, unknown>];

function answer(target: string, body: Record<string, any>): Answer {
  switch (target) {
    case 'AmazonSSM.GetParameter': {
      const name = parameterName(String(body.Name ?? ''));
      const value = values().ssmParameters[name];
      if (value === undefined) return [400, { __type: 'ParameterNotFound', message: '' }];
      return [200, { Parameter: parameter(name, value, body.WithDecryption === true) }];
    }
    case 'AmazonSSM.GetParameters': {
      const stored = values().ssmParameters;
      const names: string[] = Array.isArray(body.Names) ? body.Names.map(String) : [];
      if (names.length < 1 || names.length > 10) {
        return [400, { __type: 'ValidationException', message: '1 validation error detected: Value at \'names\' failed to satisfy constraint: Member must have length between 1 and 10' }];
      }
      const found = names.filter(n => parameterName(n) in stored);
      return [200, {
        Parameters: found.map(n => parameter(parameterName(n), stored[parameterName(n)], body.WithDecryption === true)),
        InvalidParameters: names.filter(n => !found.includes(n)),
      }];
    }
    case 'secretsmanager.GetSecretValue': {
      const secret = findSecret(String(body.SecretId ?? ''), values().secrets);
      if (!secret) return [400, { __type: 'ResourceNotFoundException', Message: 'Secrets Manager can\'t find the specified secret.' }];
      return [200, {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: createHash('sha256').update(secret.value).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
        SecretString: secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: STARTED,
      }];
    }
    default:
      return [400, { __type: 'UnknownOperationException', message: `${target || 'no X-Amz-Target'} is not answered locally (answered: AmazonSSM.GetParameter, AmazonSSM.GetParameters, secretsmanager.GetSecretValue)` }];
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    let result: Answer;
    let request: Record<string, any> | undefined;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf-8') || '{}');
    } catch {
      result = [400, { __type: 'SerializationException', message: 'the request body is not JSON' }];
    }
    if (request !== undefined) {
      try {
        result = req.method === 'POST' ? answer(target, request) : [405, { __type: 'InvalidAction', message: 'the JSON protocol takes POST' }];
      } catch (e) {
        // The values file is unreadable or of another shape: its own message names the file and the shape, never a value.
        result = [500, { __type: 'InternalFailure', message: (e as Error).message }];
      }
    }
    const [status, body] = result!;
    // eslint-disable-next-line no-console
    console.log(`${target} ${status}${status === 200 ? '' : ` ${String(body.__type)}`}`);
    res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomBytes(16).toString('hex') });
    res.end(JSON.stringify(body));
  });
});
server.listen(Number(port), address);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
