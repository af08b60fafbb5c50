const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const { fixtureName, integTests } = require('./build-fixtures');

test('a fixture is named after its integ test file', () => {
  assert.equal(fixtureName('integ/integ.custom-app.ts'), 'integ.custom-app');
});

test('integ tests: integ.*.ts files only, sorted; snapshots, support code and declarations left out', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-fixtures-'));
  for (const f of ['integ.b.ts', 'integ.a.ts', 'integ.a.d.ts', 'helper.ts', 'a.integ.ts']) fs.writeFileSync(path.join(dir, f), '');
  fs.mkdirSync(path.join(dir, 'integ.a.ts.snapshot'));
  assert.deepEqual(integTests(dir), ['integ.a.ts', 'integ.b.ts']);
});
