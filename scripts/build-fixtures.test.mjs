import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixtureName, integTests, packageTsconfig, parseOptions } from './build-fixtures.mjs';

await test('a fixture is named after its integ test file', () => {
  assert.equal(fixtureName('integ/integ.custom-app.ts'), 'integ.custom-app');
});

await test('integ tests: integ.*.ts files only, sorted; snapshots, support code and declarations left out', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-fixtures-'));
  for (const f of ['integ.b.ts', 'integ.a.ts', 'integ.a.d.ts', 'helper.ts', 'a.integ.ts']) fs.writeFileSync(path.join(dir, f), '');
  fs.mkdirSync(path.join(dir, 'integ.a.ts.snapshot'));
  assert.deepEqual(integTests(dir), ['integ.a.ts', 'integ.b.ts']);
});

await test('options: README files and named apps; anything else is an error that lists the options', () => {
  assert.deepEqual(parseOptions(['--readme', 'README.md', '--app', 'ports=packages/x/src/a.ts']), { readme: ['README.md'], apps: [['ports', 'packages/x/src/a.ts']] });
  assert.deepEqual(parseOptions([]), { readme: [], apps: [] });
  assert.throws(() => parseOptions(['--app', 'noname.ts']), /unknown option --app noname.ts \(options: --readme <file.md>, --app <name>=<file.ts>\)/);
  assert.throws(() => parseOptions(['--readme']), /--readme needs a value/);
});

await test('an app is synthesized with the tsconfig.json of its package', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-fixtures-'));
  fs.mkdirSync(path.join(dir, 'pkg', 'src', 'apps'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pkg', 'tsconfig.json'), '{}');
  assert.equal(packageTsconfig(path.join(dir, 'pkg', 'src', 'apps', 'a.ts')), path.join(dir, 'pkg', 'tsconfig.json'));
});
