import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { stampManifest } from './stamp-release-version.mjs';

const SIBLINGS = new Set(['@nlb-tiers/core', '@nlb-tiers/internal-nlb-tier']);
const TIER = {
  name: '@nlb-tiers/internal-nlb-tier',
  version: '0.0.0',
  peerDependencies: { '@nlb-tiers/core': '^0.0.0', 'aws-cdk-lib': '^2.257.0' },
  devDependencies: { '@nlb-tiers/core': '0.0.0', 'aws-cdk-lib': '2.257.0' },
};

await test('sets the version and pins siblings exactly, in peer and dev dependencies; others keep their ranges', () => {
  const stamped = stampManifest(TIER, '1.4.0', SIBLINGS);
  assert.equal(stamped.version, '1.4.0');
  assert.deepEqual(stamped.peerDependencies, { '@nlb-tiers/core': '1.4.0', 'aws-cdk-lib': '^2.257.0' });
  assert.deepEqual(stamped.devDependencies, { '@nlb-tiers/core': '1.4.0', 'aws-cdk-lib': '2.257.0' });
});

await test('a library without siblings only gets the version', () => {
  const core = { name: '@nlb-tiers/core', version: '0.0.0', peerDependencies: { 'aws-cdk-lib': '^2.257.0' } };
  assert.deepEqual(stampManifest(core, '1.4.0', SIBLINGS), { ...core, version: '1.4.0' });
});

await test('accepts a prerelease version', () => {
  assert.equal(stampManifest(TIER, '2.0.0-rc.1', SIBLINGS).peerDependencies['@nlb-tiers/core'], '2.0.0-rc.1');
});

await test('fails on a version that is not x.y.z', () => {
  assert.throws(() => stampManifest(TIER, 'v1.4.0', SIBLINGS), /"v1.4.0" is not a release version/);
  assert.throws(() => stampManifest(TIER, '', SIBLINGS), /is not a release version/);
});

await test('fails when a sibling is a plain dependency', () => {
  const manifest = { ...TIER, dependencies: { '@nlb-tiers/core': '^0.0.0' } };
  assert.throws(() => stampManifest(manifest, '1.0.0', SIBLINGS), /lists @nlb-tiers\/core in "dependencies"/);
});
