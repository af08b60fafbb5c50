import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

/** The example app's cdk.json: the feature flags the reference architecture is deployed with. */
const EXAMPLE_APP_CDK_JSON = path.join(__dirname, '..', '..', 'packages', 'example-app', 'cdk.json');

/**
 * The app of an integration test, with the example app's feature flags pinned.
 *
 * The flags are set as `postCliContext`, so they win over the flags that integ-runner passes on
 * the command line: the snapshot depends on the committed cdk.json, not on the runner's version.
 */
export function integApp(): App {
  const context: Record<string, unknown> = JSON.parse(fs.readFileSync(EXAMPLE_APP_CDK_JSON, 'utf-8')).context ?? {};
  if (Object.keys(context).length === 0) {
    throw new Error(`No feature flags found in the "context" of ${EXAMPLE_APP_CDK_JSON}`);
  }
  return new App({ postCliContext: context });
}
