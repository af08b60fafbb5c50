import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';

/** Where an {@link AppSecret} is kept. */
export enum AppSecretSource {
  /** An SSM Parameter Store parameter, read with decryption (a `SecureString`, or a plain one). */
  SSM_PARAMETER = 'ssm',
  /** A Secrets Manager secret's `SecretString`, or one field of it when it holds a JSON object. */
  SECRETS_MANAGER = 'secretsmanager',
}

/**
 * A secret the app receives as an environment variable, by reference: the template, the
 * provisioning association and its output hold the parameter's name or the secret's ARN, never its
 * value. Each instance reads the value itself when its app starts or reloads, with its own role.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export class AppSecret {
  /**
   * A parameter of SSM Parameter Store, read with `WithDecryption`: a `SecureString` arrives
   * decrypted. Import one with `ssm.StringParameter.fromSecureStringParameterAttributes`; give it
   * its `encryptionKey` when it is encrypted with a customer managed key, so that the fleet's role
   * may decrypt with that key.
   */
  public static fromSsmParameter(parameter: ssm.IParameter): AppSecret {
    return new AppSecret(AppSecretSource.SSM_PARAMETER, parameter.parameterName, parameter.env.region, undefined,
      grantee => parameter.grantRead(grantee));
  }

  /**
   * A secret of Secrets Manager: its `SecretString`, or the value of one top-level field of it when
   * `field` is given and the string is a JSON object (as the secrets of RDS and of
   * `secretsmanager.Secret`'s `generateSecretString` are).
   *
   * @param field the JSON field to pass; letters, digits and `_.@+=/-`
   * @default - the whole `SecretString`
   */
  public static fromSecretsManager(secret: secretsmanager.ISecret, field?: string): AppSecret {
    // The complete ARN where it is known; otherwise the name, which GetSecretValue takes as well
    // (a partial ARN is matched by prefix and is best avoided, per its SecretId).
    return new AppSecret(AppSecretSource.SECRETS_MANAGER, secret.secretFullArn ?? secret.secretName, secret.env.region, field,
      grantee => secret.grantRead(grantee));
  }

  /** Where the secret is kept. */
  public readonly source: AppSecretSource;
  /** The parameter's name, or the secret's complete ARN (its name when the ARN is not known). */
  public readonly id: string;
  /** The region of the parameter or the secret. */
  public readonly region: string;
  /**
   * The JSON field of a Secrets Manager secret that is passed.
   *
   * @default - the whole value
   */
  public readonly field?: string;
  private readonly grant: (grantee: iam.IGrantable) => iam.Grant;

  private constructor(source: AppSecretSource, id: string, region: string, field: string | undefined, grant: (grantee: iam.IGrantable) => iam.Grant) {
    this.source = source;
    this.id = id;
    this.region = region;
    this.field = field;
    this.grant = grant;
  }

  /**
   * Lets `grantee` read the value: `ssm:GetParameter(s)` on the parameter, or
   * `secretsmanager:GetSecretValue` on the secret, and `kms:Decrypt` with their customer managed
   * key, through the parameter's or the secret's own `grantRead`.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee);
  }
}
