import { Host } from '../model/topology';

/**
 * A running host, as provisioning needs it: a way to run a command inside it and to reach its
 * files. The runtime's `Machine` is one; provisioning does not depend on how hosts are run.
 */
export interface ProvisioningTarget {
  readonly host: Host;
  /** The host's folder in the deployment folder. */
  readonly hostDir: string;
  /** A command line that runs `argv` inside the host, in `workingDirectory` (a path of the host). */
  enter(argv: string[], workingDirectory?: string): string[];
  /** A path of the host's filesystem as this process reaches it. */
  path(inHost: string): string;
}
