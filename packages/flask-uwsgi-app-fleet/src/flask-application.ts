import * as path from 'path';

/** Options for {@link FlaskApplication.fromDirectory}. */
export interface FlaskApplicationOptions {
  /**
   * The Python module, relative to the directory, that defines the WSGI callable. Dots name
   * packages, as in `myapp.wsgi`.
   *
   * @default 'app'
   */
  readonly module?: string;
  /**
   * The name of the WSGI callable in the module.
   *
   * @default 'app'
   */
  readonly callable?: string;
}

/**
 * The Flask app a fleet serves: the default one, or a directory of the user's.
 *
 * The directory is shipped to every instance with the provisioning playbook. A
 * `requirements.txt` at its top is installed into the app's virtualenv.
 */
export class FlaskApplication {
  /**
   * The default app: `/` answers with the EC2 instance id, read from the instance metadata
   * service with the IMDSv2 token flow on a worker's first request and then served from memory
   * (an instance's id never changes; a metadata round trip per request would double the app's
   * work and IMDS throttles busy callers).
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html#instancedata-throttling
   */
  public static instanceIdEcho(): FlaskApplication {
    return new FlaskApplication(path.join(__dirname, '..', 'assets', 'default-app'), 'run', 'app');
  }

  /** A Flask app in a local directory. */
  public static fromDirectory(directory: string, options: FlaskApplicationOptions = {}): FlaskApplication {
    return new FlaskApplication(path.resolve(directory), options.module ?? 'app', options.callable ?? 'app');
  }

  /**
   * @param directory the absolute path of the app's directory
   * @param module the module that defines the WSGI callable
   * @param callable the name of the WSGI callable
   */
  private constructor(
    /** The absolute path of the app's directory. */
    public readonly directory: string,
    /** The module that defines the WSGI callable. */
    public readonly module: string,
    /** The name of the WSGI callable. */
    public readonly callable: string,
  ) {}
}
