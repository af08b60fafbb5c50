import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readmeApps, readmeFixtureName, stackName, typescriptBlocks } from './readme-apps.mjs';

const md = (...blocks) => blocks.map(b => `Some text.\n\n\`\`\`ts\n${b}\n\`\`\`\n`).join('\n') + '\n```bash\nnpm ci\n```\n';
const example = name => `const app = new App();\nconst stack = new Stack(app, '${name}');`;

await test('the ts and typescript blocks of a Markdown text, in order; other languages left out', () => {
  assert.deepEqual(typescriptBlocks(md('a();', 'b();').replace('```ts\nb', '```typescript\nb')), ['a();\n', 'b();\n']);
});

await test('an example names its one stack; none or two is an error that says so', () => {
  assert.equal(stackName(example('WebOnly')), 'WebOnly');
  assert.throws(() => stackName('const app = new App();'), /exactly one stack .* this one creates 0/);
  assert.throws(() => stackName(`${example('A')}\nnew Stack(app, 'B');`), /this one creates 2/);
});

await test('each example becomes an app: its code as written, then its completion, if any', () => {
  const apps = readmeApps(md(example('Whole'), example('Part')), { Part: 'new Thing(stack);' });
  assert.deepEqual(apps.map(a => a.stack), ['Whole', 'Part']);
  assert.equal(apps[0].code, `${example('Whole')}\n`);
  assert.ok(apps[1].code.startsWith(`${example('Part')}\n`));
  assert.ok(apps[1].code.endsWith('new Thing(stack);\n'));
  assert.equal(readmeFixtureName('Part'), 'readme.Part');
});

await test('a completion without its example, or two examples with one stack name, is an error', () => {
  assert.throws(() => readmeApps(md(example('A')), { Gone: 'x();' }), /completions for README examples that do not exist: Gone/);
  assert.throws(() => readmeApps(md(example('A'), example('A')), {}), /same stack name: A/);
});

await test('the root README: every completion has its example', () => {
  const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
  assert.deepEqual(readmeApps(fs.readFileSync(readme, 'utf-8')).map(a => a.stack), ['WebAppTiers', 'FleetOnly', 'WebOnly']);
});
