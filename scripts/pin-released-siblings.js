#!/usr/bin/env node
/**
 * Before a release, points a package at the released versions of the sibling packages it
 * builds on. In the repository every package is at 0.0.0 and siblings are linked by npm
 * workspaces; a published package must instead require a version that exists on the registries.
 *
 * For each sibling, the latest tag `<sibling>@v<version>` gives its released version, which is
 * written into the sibling's package.json (so that jsii compiles it as that version) and into
 * this package's peer (`^<version>`) and dev (`<version>`) dependencies.
 *
 * Usage, from the repository root: node scripts/pin-released-siblings.js packages/<dir> <sibling dir>...
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [packageDir, ...siblings] = process.argv.slice(2);
if (!packageDir || siblings.length === 0) {
  console.error('usage: pin-released-siblings.js packages/<dir> <sibling dir>...');
  process.exit(2);
}

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf-8'));
const writeJson = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, undefined, 2)}\n`);

const manifestFile = path.join(packageDir, 'package.json');
const manifest = readJson(manifestFile);
for (const sibling of siblings) {
  const tags = execFileSync('git', ['tag', '--list', `${sibling}@v*`, '--sort=-v:refname'], { encoding: 'utf-8' })
    .split('\n').filter(Boolean);
  if (tags.length === 0) {
    console.error(`pin-released-siblings: ${sibling} has no release tag (${sibling}@v<version>): release it first`);
    process.exit(1);
  }
  const version = tags[0].slice(`${sibling}@v`.length);
  const siblingFile = path.join('packages', sibling, 'package.json');
  const siblingManifest = readJson(siblingFile);
  siblingManifest.version = version;
  writeJson(siblingFile, siblingManifest);
  manifest.peerDependencies[siblingManifest.name] = `^${version}`;
  manifest.devDependencies[siblingManifest.name] = version;
  console.log(`pin-released-siblings: ${manifest.name} requires ${siblingManifest.name}@^${version}`);
}
writeJson(manifestFile, manifest);
