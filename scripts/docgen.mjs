#!/usr/bin/env node
/**
 * Writes API.md of jsii packages with jsii-docgen: the packages given, or the one in the current
 * directory. One run for several packages loads jsii-docgen once.
 *
 * jsii-docgen looks for the assemblies of dependencies inside the package folder only, but npm
 * workspaces hoist them to the root node_modules. This script links the package and the closure
 * of its jsii dependencies, as resolved by Node from the package, into a temporary folder and
 * hands that folder to jsii-docgen.
 *
 * With CI set, it fails when a committed API.md differs from the generated one.
 *
 * Usage: node scripts/docgen.mjs [package folder...]
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Documentation, Language } from 'jsii-docgen';

const require = createRequire(import.meta.url);

const OUTPUT = 'API.md';

/** The folder of a dependency as Node resolves it from `fromDir`. */
function packageDir(name, fromDir) {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [fromDir] }));
}

/** The package folder of every jsii assembly the package at `dir` depends on, itself included. */
function assemblyClosure(dir, found = new Map()) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  if (found.has(manifest.name)) return found;
  found.set(manifest.name, dir);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf-8'));
  for (const dep of Object.keys(spec.dependencies ?? {})) {
    assemblyClosure(packageDir(dep, dir), found);
  }
  return found;
}

/** Writes the API.md of one package; returns false when CI is set and the committed file was stale. */
async function writeApiDocs(pkgDir) {
  if (!fs.existsSync(path.join(pkgDir, '.jsii'))) {
    throw new Error(`${pkgDir}/.jsii not found: compile the package with jsii first`);
  }
  const assemblies = assemblyClosure(pkgDir);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docgen-'));
  try {
    for (const [name, dir] of assemblies) {
      const link = path.join(workdir, 'node_modules', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(dir, link, 'dir');
    }
    const docs = await Documentation.forProject(pkgDir, { assembliesDir: workdir });
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT, readme: false });
    const content = markdown.render();
    const outFile = path.join(pkgDir, OUTPUT);
    const committed = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf-8') : undefined;
    if (committed === content) return true;
    fs.writeFileSync(outFile, content);
    if (process.env.CI && process.env.CI !== 'false') {
      console.error(`docgen: ${path.relative(process.cwd(), outFile) || OUTPUT} was out of date with the source. `
        + 'Run `npx projen build` and commit the regenerated file.');
      return false;
    }
    console.log(`docgen: wrote ${path.relative(process.cwd(), outFile) || OUTPUT}`);
    return true;
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

async function main(dirs) {
  let upToDate = true;
  for (const dir of dirs.length > 0 ? dirs : ['.']) {
    upToDate = (await writeApiDocs(path.resolve(dir))) && upToDate;
  }
  if (!upToDate) process.exitCode = 1;
}

main(process.argv.slice(2)).catch(err => {
  console.error(`docgen: ${err.message}`);
  process.exit(1);
});
