import { App } from 'aws-cdk-lib';
import { ReferenceArchitectureStack } from './reference-architecture-stack';

const app = new App();
// Environment-agnostic: synthesizes offline, and deploys to the account and region of the CLI.
new ReferenceArchitectureStack(app, 'NlbTiersReferenceArchitecture');
app.synth();
