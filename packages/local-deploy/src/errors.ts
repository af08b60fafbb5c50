/** Exit codes of the command-line tool, one per kind of failure a caller may want to tell apart. */
export enum ExitCode {
  OK = 0,
  /** A request or an assertion failed. */
  CHECKS_FAILED = 1,
  /** Bad arguments, or an assembly that cannot be read. */
  USAGE = 2,
  /** Not Linux, not root, or a kernel feature is missing. */
  UNSUPPORTED_MACHINE = 3,
  /** Debian packages are missing and cannot be installed. */
  MISSING_PACKAGES = 4,
  /** The assembly has resources this tool cannot run locally. */
  UNSUPPORTED_RESOURCES = 5,
  /** Something failed while the deployment was being brought up, or updated. */
  DEPLOY_FAILED = 6,
  /** An update has changes the local deploy cannot make to a running deployment; it changed nothing. */
  UPDATE_NOT_APPLICABLE = 7,
  /** Stopped by SIGINT or SIGTERM. */
  INTERRUPTED = 130,
}

/** An error the tool reports to the user as is, with its own exit code (no stack trace). */
export class LocalDeployError extends Error {
  constructor(message: string, public readonly exitCode: ExitCode) {
    super(message);
    this.name = 'LocalDeployError';
  }
}

/**
 * Something a template asks for that the local deploy cannot run (an intrinsic function, a
 * property value, a kind of target). The mapping step catches exactly this type and lists the
 * resource with the message; any other error is a bug and keeps its stack trace.
 */
export class UnsupportedFeatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedFeatureError';
  }
}
