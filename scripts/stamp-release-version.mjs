#!/usr/bin/env node
/**
 * Stamps the release train's version into the libraries before a release build: every library's
 * package.json gets `version`, and each sibling it depends on becomes that exact version in its
 * peer (and dev) dependencies. In the repository they are all 0.0.0, linked by npm workspaces;
 * a published library requires exactly the siblings it was built and tested with.
 *
 * The release task restores the manifests afterwards (git checkout).
 *
 * Usage, from the repository root: node scripts/stamp-release-version.mjs <version> <package folder>...
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * The manifest with `version` set and every dependency on a name of `siblings` pinned to it.
 * Only peer and dev dependencies may name a sibling: jsii requires peers for jsii dependencies.
 */
export function stampManifest(manifest, version, siblings) {
  if (!SEMVER.test(version)) throw new Error(`"${version}" is not a release version (x.y.z)`);
  const pin = deps => deps && Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, siblings.has(name) ? version : range]));
  const named = Object.keys(manifest.dependencies ?? {}).filter(n => siblings.has(n));
  if (named.length > 0) {
    throw new Error(`${manifest.name} lists ${named.join(', ')} in "dependencies": a jsii library takes its siblings as peer dependencies`);
  }
  return {
    ...manifest,
    version,
    ...(manifest.peerDependencies ? { peerDependencies: pin(manifest.peerDependencies) } : {}),
    ...(manifest.devDependencies ? { devDependencies: pin(manifest.devDependencies) } : {}),
  };
}

function main(argv) {
  const [version, ...dirs] = argv;
  if (!version || dirs.length === 0) {
    console.error('usage: stamp-release-version.js <version> <package folder>...');
    return 2;
  }
  const files = dirs.map(d => path.join(d, 'package.json'));
  const manifests = files.map(f => JSON.parse(fs.readFileSync(f, 'utf-8')));
  const siblings = new Set(manifests.map(m => m.name));
  manifests.forEach((manifest, i) => {
    fs.writeFileSync(files[i], `${JSON.stringify(stampManifest(manifest, version, siblings), undefined, 2)}\n`);
    console.log(`stamp-release-version: ${manifest.name}@${version}`);
  });
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`stamp-release-version: ${err.message}`);
    process.exit(1);
  }
}
