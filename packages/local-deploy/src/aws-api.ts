import { ExitCode, LocalDeployError } from './errors';

/**
 * Where a host reaches the stand-ins of the AWS APIs its instance calls (SSM Parameter Store's
 * GetParameter(s), Secrets Manager's GetSecretValue): an agent inside each host's namespace, on the
 * host's own loopback, so a request leaves no namespace.
 */
export const AWS_API_ADDRESS = '127.0.0.1';
export const AWS_API_PORT = 49181;

/**
 * The variables that point an AWS CLI or SDK at those stand-ins: the service-specific endpoint
 * variables, `AWS_ENDPOINT_URL_<SERVICE ID>` with the service id's spaces as underscores, which
 * the AWS CLI v2 reads from version 2.13 on (Amazon Linux 2023 ships a later one). Nothing else of
 * the host changes: the image's `aws` is what calls them.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export const AWS_API_ENVIRONMENT: Record<string, string> = {
  AWS_ENDPOINT_URL_SSM: `http://${AWS_API_ADDRESS}:${AWS_API_PORT}`,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://${AWS_API_ADDRESS}:${AWS_API_PORT}`,
};

/**
 * The values a user stored, as the stand-ins answer them: SSM parameters by name (all of them
 * `SecureString`), Secrets Manager secrets by name or ARN (their `SecretString`).
 */
export interface SecretValues {
  readonly ssmParameters: Record<string, string>;
  readonly secrets: Record<string, string>;
}

/** The shape of a `--secret-values` file, for messages. */
export const SECRET_VALUES_SHAPE = '{"ssmParameters": {"<parameter name>": "<value>"}, "secrets": {"<secret name or ARN>": "<value>"}}';

/** Reads a `--secret-values` file's text; a file of another shape fails with what is wrong and what is allowed. */
export function parseSecretValues(text: string, file: string): SecretValues {
  const bad = (what: string) => new LocalDeployError(`--secret-values ${file}: ${what}; expected a JSON object ${SECRET_VALUES_SHAPE}`, ExitCode.USAGE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text, which holds the values.
    throw bad('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('not a JSON object');
  const unknown = Object.keys(parsed).filter(k => k !== 'ssmParameters' && k !== 'secrets');
  if (unknown.length > 0) throw bad(`unknown key ${unknown.map(k => `"${k}"`).join(', ')}`);
  const section = (key: 'ssmParameters' | 'secrets'): Record<string, string> => {
    const value = (parsed as Record<string, unknown>)[key] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`"${key}" is not an object`);
    for (const [name, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw bad(`"${key}"."${name}" is not a string`);
    }
    return value as Record<string, string>;
  };
  return { ssmParameters: section('ssmParameters'), secrets: section('secrets') };
}
