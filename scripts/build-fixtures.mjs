#!/usr/bin/env node
/**
 * Writes the test fixtures of packages/local-deploy: cloud assemblies of the current constructs,
 * never copied by hand, so that they cannot go stale. Nothing of them is committed.
 *
 * - `reference-architecture/`: the example app's assembly, synthesized just before (cdk.out).
 * - `integ.<name>/`: each integ/integ.<name>.ts synthesized as integ-runner does it (ts-node,
 *   CDK_OUTDIR), with the asset folders its snapshot leaves out. The tests are type-checked by
 *   the integ task, so ts-node only transpiles them here.
 *
 * Usage: node scripts/build-fixtures.mjs <example app cdk.out> <integ folder> <fixtures folder>
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `integ.custom-app.ts` -> `integ.custom-app`: the fixture folder of an integ test. */
export function fixtureName(integFile) {
  return path.basename(integFile).replace(/\.ts$/, '');
}

/** The integ tests of a folder, in a stable order. */
export function integTests(integDir) {
  return fs.readdirSync(integDir).filter(f => /^integ\..+\.ts$/.test(f) && !f.endsWith('.d.ts')).sort();
}

/** Replaces `dir` with a fresh, empty folder. */
function freshDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

function synthesizeInteg(integDir, file, outDir) {
  freshDir(outDir);
  const tsconfig = path.resolve(integDir, 'tsconfig.json');
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', path.resolve(integDir, file)], {
    cwd: path.dirname(path.resolve(integDir)),
    env: { ...process.env, CDK_OUTDIR: path.resolve(outDir), TS_NODE_PROJECT: tsconfig, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`synthesizing ${file} failed (exit code ${r.status ?? r.signal})`);
  if (!fs.existsSync(path.join(outDir, 'manifest.json'))) throw new Error(`synthesizing ${file} wrote no manifest.json into ${outDir}`);
}

function main(argv) {
  if (argv.length !== 3) {
    console.error('usage: build-fixtures.js <example app cdk.out> <integ folder> <fixtures folder>');
    return 2;
  }
  const [exampleOut, integDir, fixturesDir] = argv;
  if (!fs.existsSync(path.join(exampleOut, 'manifest.json'))) {
    throw new Error(`${exampleOut} is not a cloud assembly: synthesize the example app first`);
  }
  const reference = path.join(fixturesDir, 'reference-architecture');
  freshDir(reference);
  fs.cpSync(exampleOut, reference, { recursive: true });
  console.log(`build-fixtures: ${reference} <- ${exampleOut}`);

  for (const file of integTests(integDir)) {
    const out = path.join(fixturesDir, fixtureName(file));
    synthesizeInteg(integDir, file, out);
    console.log(`build-fixtures: ${out} <- ${path.join(integDir, file)}`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`build-fixtures: ${err.message}`);
    process.exit(1);
  }
}
