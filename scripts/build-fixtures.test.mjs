import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixtureName, integTests } from './build-fixtures.mjs';

await test('a fixture is named after its integ test file', () => {
  assert.equal(fixtureName('integ/integ.custom-app.ts'), 'integ.custom-app');
});

await test('integ tests: integ.*.ts files only, sorted; snapshots, support code and declarations left out', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-fixtures-'));
  for (const f of ['integ.b.ts', 'integ.a.ts', 'integ.a.d.ts', 'helper.ts', 'a.integ.ts']) fs.writeFileSync(path.join(dir, f), '');
  fs.mkdirSync(path.join(dir, 'integ.a.ts.snapshot'));
  assert.deepEqual(integTests(dir), ['integ.a.ts', 'integ.b.ts']);
});
