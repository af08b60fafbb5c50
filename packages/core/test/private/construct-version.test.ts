import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CONSTRUCT_VERSION_METADATA, recordConstructVersion } from '../../src/private/construct-version';

/** A construct class as jsii compiles it: with its runtime type information. */
class Versioned extends Construct {
  static readonly [Symbol.for('jsii.rtti')] = { fqn: '@nlb-tiers/example.Versioned', version: '1.2.3' };
  constructor(scope: Construct, id: string) {
    super(scope, id);
    recordConstructVersion(this, Versioned);
  }
}

/** A user's subclass of a library class, not compiled by jsii: the library class is recorded. */
class UserSubclass extends Versioned {}

/** A construct class without runtime type information (not compiled by jsii). */
class Plain extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    recordConstructVersion(this, Plain);
  }
}

/** The metadata entries of `type` of a stack, as the cloud assembly records them, by construct path. */
function assemblyMetadata(app: App, stackName: string, type: string): Record<string, unknown[]> {
  const artifact = app.synth().getStackByName(stackName);
  const manifest = JSON.parse(fs.readFileSync(path.join(artifact.assembly.directory, 'manifest.json'), 'utf-8'));
  const entry = manifest.artifacts[artifact.id];
  const metadata = entry.metadata ?? JSON.parse(fs.readFileSync(path.join(artifact.assembly.directory, entry.additionalMetadataFile), 'utf-8'));
  return Object.fromEntries(Object.entries(metadata as Record<string, Array<{ type: string; data: unknown }>>)
    .map(([p, entries]) => [p, entries.filter(e => e.type === type).map(e => e.data)])
    .filter(([, entries]) => entries.length > 0));
}

describe('recordConstructVersion', () => {
  test('records the fqn and version of a jsii class in the cloud assembly\'s metadata of its path', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new Versioned(stack, 'Thing');
    expect(assemblyMetadata(app, 'Stack', CONSTRUCT_VERSION_METADATA)).toEqual({
      '/Stack/Thing': [{ fqn: '@nlb-tiers/example.Versioned', version: '1.2.3' }],
    });
  });

  test('records the library class for an instance of a subclass of it', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new UserSubclass(stack, 'Thing');
    expect(assemblyMetadata(app, 'Stack', CONSTRUCT_VERSION_METADATA)).toEqual({
      '/Stack/Thing': [{ fqn: '@nlb-tiers/example.Versioned', version: '1.2.3' }],
    });
  });

  test('records nothing for a class without runtime type information of its own (Construct\'s is inherited)', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new Plain(stack, 'Thing');
    expect(assemblyMetadata(app, 'Stack', CONSTRUCT_VERSION_METADATA)).toEqual({});
  });
});
