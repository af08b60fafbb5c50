import * as fs from 'fs';
import * as path from 'path';
import { stageByContent } from './private/uwsgi-config';

/** Options for {@link FlaskApplication.instanceIdEcho}. */
export interface InstanceIdEchoOptions {
  /**
   * The version the app answers with, after the instance id: 1 to 64 letters, digits and `._+-`,
   * starting with a letter or digit. A new version is a new app, which the fleet rolls out.
   *
   * @default '1'
   */
  readonly version?: string;
}

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
   * The default app: `/` answers with the EC2 instance id and the app's version
   * (`i-0123456789abcdef0 version 1`). The id is read from the instance metadata
   * service with the IMDSv2 token flow on a worker's first request and then served from memory
   * (an instance's id never changes; a metadata round trip per request would double the app's
   * work and IMDS throttles busy callers).
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html#instancedata-throttling
   */
  public static instanceIdEcho(options: InstanceIdEchoOptions = {}): FlaskApplication {
    const version = options.version ?? '1';
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(version)) {
      throw new Error(`FlaskApplication.instanceIdEcho: invalid version: got '${version}', expected 1 to 64 letters, digits and ._+- starting with a letter or digit`);
    }
    const directory = stageByContent('nlb-tiers-default-app', dir => {
      fs.cpSync(path.join(__dirname, '..', 'assets', 'default-app'), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'version.txt'), `${version}\n`);
    });
    return new FlaskApplication(directory, 'run', 'app');
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
