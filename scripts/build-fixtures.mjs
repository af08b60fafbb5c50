#!/usr/bin/env node
/**
 * Writes the test fixtures of packages/local-deploy: cloud assemblies of the current constructs,
 * never copied by hand, so that they cannot go stale. Nothing of them is committed.
 *
 * - `reference-architecture/`: the example app's assembly, synthesized just before (cdk.out).
 * - `integ.<name>/`: each integ/integ.<name>.ts synthesized as integ-runner does it (ts-node,
 *   CDK_OUTDIR), with the asset folders its snapshot leaves out. The tests are type-checked by
 *   the integ task, so ts-node only transpiles them here.
 * - `readme.<stack>/` (--readme README.md): each TypeScript example of the README, as the app
 *   scripts/readme-apps.mjs makes of it (the example's own code, and what a request needs besides
 *   it), so that the end-to-end tests deploy the very code the README shows. The readme:examples
 *   task type-checks them.
 * - `<name>/` (--app <name>=<file.ts>): another CDK app, synthesized the same way with the
 *   tsconfig.json of its package.
 *
 * Usage: node scripts/build-fixtures.mjs <example app cdk.out> <integ folder> <fixtures folder>
 *          [--readme <file.md>] [--app <name>=<file.ts>]...
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readmeApps, readmeFixtureName } from './readme-apps.mjs';

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

/** The tsconfig.json of the package a file belongs to (the nearest one up from it). */
export function packageTsconfig(file) {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tsconfig.json'))) return path.join(dir, 'tsconfig.json');
    if (path.dirname(dir) === dir) throw new Error(`no tsconfig.json above ${file}`);
  }
}

/** Runs a CDK app's file with ts-node (transpiling only) and CDK_OUTDIR, as integ-runner does. */
function synthesize(file, tsconfig, outDir) {
  freshDir(outDir);
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', path.resolve(file)], {
    cwd: path.dirname(path.resolve(tsconfig)),
    env: { ...process.env, CDK_OUTDIR: path.resolve(outDir), TS_NODE_PROJECT: path.resolve(tsconfig), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`synthesizing ${file} failed (exit code ${r.status ?? r.signal})`);
  if (!fs.existsSync(path.join(outDir, 'manifest.json'))) throw new Error(`synthesizing ${file} wrote no manifest.json into ${outDir}`);
}

/** `--readme a.md --app x=y.ts --app ...` -> { readme: ['a.md'], apps: [['x', 'y.ts'], ...] }. */
export function parseOptions(args) {
  const options = { readme: [], apps: [] };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--readme') {
      options.readme.push(value);
    } else if (flag === '--app' && /^[\w.-]+=.+\.ts$/.test(value)) {
      options.apps.push(value.split(/=(.*)/s).slice(0, 2));
    } else {
      throw new Error(`unknown option ${flag} ${value} (options: --readme <file.md>, --app <name>=<file.ts>)`);
    }
  }
  return options;
}

function main(argv) {
  if (argv.length < 3) {
    console.error('usage: build-fixtures.mjs <example app cdk.out> <integ folder> <fixtures folder> [--readme <file.md>] [--app <name>=<file.ts>]...');
    return 2;
  }
  const [exampleOut, integDir, fixturesDir, ...rest] = argv;
  const options = parseOptions(rest);
  if (!fs.existsSync(path.join(exampleOut, 'manifest.json'))) {
    throw new Error(`${exampleOut} is not a cloud assembly: synthesize the example app first`);
  }
  const reference = path.join(fixturesDir, 'reference-architecture');
  freshDir(reference);
  fs.cpSync(exampleOut, reference, { recursive: true });
  console.log(`build-fixtures: ${reference} <- ${exampleOut}`);

  const integTsconfig = path.resolve(integDir, 'tsconfig.json');
  for (const file of integTests(integDir)) {
    const out = path.join(fixturesDir, fixtureName(file));
    synthesize(path.join(integDir, file), integTsconfig, out);
    console.log(`build-fixtures: ${out} <- ${path.join(integDir, file)}`);
  }

  // The README's examples as modules in the fixtures folder: their imports resolve from the workspace.
  const sources = path.join(fixturesDir, 'readme-sources');
  freshDir(sources);
  // An example removed from the README leaves no fixture behind.
  for (const d of fs.readdirSync(fixturesDir).filter(f => f.startsWith(readmeFixtureName('')))) fs.rmSync(path.join(fixturesDir, d), { recursive: true });
  const index = [];
  for (const doc of options.readme) {
    for (const { stack, code } of readmeApps(fs.readFileSync(doc, 'utf-8'))) {
      index.push({ readme: doc, stack, fixture: readmeFixtureName(stack) });
      const source = path.join(sources, `${stack}.ts`);
      fs.writeFileSync(source, `${code}\nexport {};\n`);
      const out = path.join(fixturesDir, readmeFixtureName(stack));
      synthesize(source, integTsconfig, out);
      console.log(`build-fixtures: ${out} <- the example of ${doc} that creates ${stack}`);
    }
  }
  // What the end-to-end tests deploy: every example, even one whose fixture folder failed to appear.
  fs.writeFileSync(path.join(sources, 'index.json'), JSON.stringify(index, undefined, 2) + '\n');

  for (const [name, file] of options.apps) {
    const out = path.join(fixturesDir, name);
    synthesize(file, packageTsconfig(file), out);
    console.log(`build-fixtures: ${out} <- ${file}`);
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
