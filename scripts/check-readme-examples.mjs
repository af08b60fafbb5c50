#!/usr/bin/env node
/**
 * Type-checks the TypeScript examples (```ts blocks) of the given Markdown files against the
 * built packages, in strict mode, each alone and as the app the local deploy's end-to-end tests
 * deploy (the example and what a request needs besides it: scripts/readme-apps.mjs). The package
 * READMEs are compiled by jsii-rosetta; this covers the documents that are not part of a jsii
 * assembly, such as the root README.
 *
 * Usage: node scripts/check-readme-examples.mjs README.md [more.md...]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeApps, typescriptBlocks } from './readme-apps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = path.join(root, '.readme-examples');
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

const files = [];
for (const doc of process.argv.slice(2)) {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  // Each example is a module of its own, so that examples do not clash.
  typescriptBlocks(text).forEach((code, i) => {
    const file = path.join(outDir, `${path.basename(doc, '.md')}-${i + 1}.ts`);
    fs.writeFileSync(file, `${code}\nexport {};\n`);
    files.push(file);
  });
  for (const { stack, code } of readmeApps(text)) {
    const file = path.join(outDir, `${path.basename(doc, '.md')}-app-${stack}.ts`);
    fs.writeFileSync(file, `${code}\nexport {};\n`);
    files.push(file);
  }
}
if (files.length === 0) {
  console.error('check-readme-examples: no TypeScript example found');
  process.exit(1);
}

fs.writeFileSync(path.join(outDir, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['es2022'],
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
    skipLibCheck: true,
    noUnusedLocals: false,
  },
  files: files.map(f => path.basename(f)),
}, undefined, 2));

try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', outDir], { stdio: 'inherit' });
  console.log(`check-readme-examples: ${files.length} example(s) compile`);
} catch {
  console.error(`check-readme-examples: an example does not compile (sources in ${path.relative(root, outDir)}/)`);
  process.exit(1);
}
