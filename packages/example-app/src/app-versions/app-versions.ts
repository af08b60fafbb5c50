import { FlaskApplication } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { App } from 'aws-cdk-lib';
import { ReferenceArchitectureStack } from '../reference-architecture-stack';

/** The stack every version synthesizes: one name, so that one is an update of the other. */
export const APP_VERSIONS_STACK = 'NlbTiersAppVersions';

/** A version of the reference architecture's app. */
export type AppVersion =
  /** The default app answering with this version. */
  | { readonly version: string }
  /** The default app at this version, whose playbook fails: a pip requirement that no index has. */
  | { readonly version: string; readonly unavailableRequirement: string };

/**
 * Synthesizes the reference architecture with one version of its app. The local deploy's
 * end-to-end tests deploy one version and update the deployment to another: two assemblies that
 * differ only in the app's version, and one whose playbook fails on every instance.
 */
export function synthAppVersion(version: AppVersion): void {
  const app = new App();
  new ReferenceArchitectureStack(app, APP_VERSIONS_STACK, {
    fleet: {
      application: FlaskApplication.instanceIdEcho({ version: version.version }),
      // The fleet's default pins (Amazon Linux 2023), and the requirement that cannot install.
      ...('unavailableRequirement' in version ? { pipPackages: ['uwsgi==2.0.28', 'flask==3.1.1', version.unavailableRequirement] } : {}),
    },
  });
  app.synth();
}
