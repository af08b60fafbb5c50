import { ExitCode, LocalDeployError, UnsupportedFeatureError } from '../errors';
import { UnsupportedResource } from './topology';

/** Raised when a stack has resources the local deploy cannot run; lists every one of them. */
export class UnsupportedResourcesError extends LocalDeployError {
  constructor(public readonly stackName: string, public readonly resources: UnsupportedResource[]) {
    super([
      `The stack ${stackName} has ${resources.length} resource(s) the local deploy cannot run; nothing was started:`,
      ...resources.map(r => `  - ${r.logicalId} (${r.type}): ${r.reason}`),
    ].join('\n'), ExitCode.UNSUPPORTED_RESOURCES);
  }
}

/**
 * Collects what a stack asks for that the local deploy cannot run, so the mapping step reports
 * all of it at once, before anything starts.
 */
export class UnsupportedResources {
  private readonly found: UnsupportedResource[] = [];

  constructor(private readonly types: (logicalId: string) => string | undefined) {}

  public get list(): readonly UnsupportedResource[] {
    return this.found;
  }

  public add(logicalId: string, reason: string) {
    this.found.push({ logicalId, type: this.types(logicalId) ?? '(several)', reason });
  }

  /**
   * Maps one resource; an {@link UnsupportedFeatureError} becomes an entry of the list and the
   * result is undefined. Any other error is a bug of the tool and propagates as is.
   */
  public guard<T>(logicalId: string, map: () => T): T | undefined {
    try {
      return map();
    } catch (e) {
      if (!(e instanceof UnsupportedFeatureError)) throw e;
      this.add(logicalId, e.message);
      return undefined;
    }
  }

  /** Raises the {@link UnsupportedResourcesError} when anything was found. */
  public throwIfAny(stackName: string) {
    if (this.found.length > 0) throw new UnsupportedResourcesError(stackName, [...this.found]);
  }
}
