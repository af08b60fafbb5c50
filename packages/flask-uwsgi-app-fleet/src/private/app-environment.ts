import { invalidProp } from '@nlb-tiers/core/helpers-internal';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppSecret } from '../app-secret';

/** The app's environment variables: plain values and secrets, by name. */
export interface AppEnvironmentProps {
  readonly environment?: Record<string, string>;
  readonly secrets?: Record<string, AppSecret>;
}

/** What an instance needs to fetch one secret: no value, only where it is. */
export interface SecretReference {
  readonly source: string;
  readonly id: string;
  readonly region: string;
  readonly field?: string;
}

/** A POSIX-portable environment variable name (IEEE Std 1003.1, Environment Variables). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Names the service itself relies on: the process's own (systemd sets them), Python's, and
 * `UWSGI_*`, which uWSGI reads as its options ("Configuring uWSGI": environment variables).
 */
const RESERVED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'PYTHONPATH', 'PYTHONHOME'];
const RESERVED_PREFIX = 'UWSGI_';
/** The characters of a JSON field of a secret: the reference travels in an SSM document parameter of that pattern. */
const FIELD = /^[A-Za-z0-9_.@+=/-]{1,256}$/;
/**
 * The pattern of the document parameter that carries the references: the JSON of names, ARNs,
 * regions and fields, without a quote or a backslash that could end the shell string it is written with.
 */
export const SECRET_REFERENCES_PATTERN = '^[A-Za-z0-9_:/.@+=,{}"\\[\\] -]*$';

/**
 * Checks the names and values of `environment` and `secrets`; returns the plain values (to be
 * written into the playbook) and the secrets' references (to be passed by the association).
 */
export function resolveAppEnvironment(scope: IConstruct, construct: string, props: AppEnvironmentProps): {
  environment: Record<string, string>;
  secrets: Record<string, SecretReference>;
} {
  const environment = props.environment ?? {};
  const secrets = props.secrets ?? {};
  for (const [prop, names] of [['environment', Object.keys(environment)], ['secrets', Object.keys(secrets)]] as const) {
    for (const name of names) validateName(scope, construct, prop, name);
  }
  for (const [name, value] of Object.entries(environment)) {
    if (Token.isUnresolved(value)) {
      invalidProp(scope, construct, `environment.${name}`, value,
        'a value known at synthesis (it is written into the playbook); pass a deploy-time value such as a resource attribute as an SSM parameter in secrets');
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      invalidProp(scope, construct, `environment.${name}`, value, 'a string without a NUL character');
    }
  }
  const both = Object.keys(environment).filter(n => n in secrets);
  if (both.length > 0) {
    invalidProp(scope, construct, 'secrets', both.join(', '), 'names that environment does not also set: a variable has one value');
  }
  const references: Record<string, SecretReference> = {};
  for (const [name, secret] of Object.entries(secrets)) {
    if (!(secret instanceof AppSecret)) {
      invalidProp(scope, construct, `secrets.${name}`, secret, 'an AppSecret: AppSecret.fromSsmParameter(...) or AppSecret.fromSecretsManager(...)');
    }
    if (secret.field !== undefined && !Token.isUnresolved(secret.field) && !FIELD.test(secret.field)) {
      invalidProp(scope, construct, `secrets.${name}.field`, secret.field, 'a JSON field name of 1-256 letters, digits and _.@+=/-');
    }
    const field = secret.field !== undefined ? { field: secret.field } : {};
    references[name] = { source: secret.source, id: secret.id, region: secret.region, ...field };
  }
  return { environment, secrets: references };
}

function validateName(scope: IConstruct, construct: string, prop: string, name: string) {
  if (!NAME.test(name)) {
    invalidProp(scope, construct, `${prop} name`, name, 'an environment variable name: a letter or _, then letters, digits or _');
  }
  if (RESERVED.includes(name) || name.startsWith(RESERVED_PREFIX)) {
    invalidProp(scope, construct, `${prop} name`, name,
      `a name the service does not set itself: not ${RESERVED.join(', ')} and not ${RESERVED_PREFIX}* (uWSGI reads those as its options)`);
  }
}
