#!/usr/bin/env node
/**
 * Writes API.md of the jsii package in the current directory with jsii-docgen.
 *
 * jsii-docgen looks for the assemblies of dependencies inside the package folder only, but npm
 * workspaces hoist them to the root node_modules. This script links the package and the closure
 * of its jsii dependencies, as resolved by Node from the package, into a temporary folder and
 * hands that folder to jsii-docgen.
 *
 * With CI set, it fails when the committed API.md differs from the generated one.
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

async function main() {
  const pkgDir = process.cwd();
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
    if (committed === content) return;
    fs.writeFileSync(outFile, content);
    if (process.env.CI && process.env.CI !== 'false') {
      throw new Error(`${path.relative(process.cwd(), outFile)} was out of date with the source. `
        + 'Run `npx projen build` and commit the regenerated file.');
    }
    console.log(`docgen: wrote ${OUTPUT}`);
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

main().catch(err => {
  console.error(`docgen: ${err.message}`);
  process.exit(1);
});
