#!/usr/bin/env node
/**
 * Writes a copy of a cloud assembly whose fleet playbooks are those of another revision: in every
 * asset folder that holds a `playbook.yml` (the FlaskUwsgiAppFleet's zipped playbook folder), the
 * files that come from packages/flask-uwsgi-app-fleet/assets/playbook/ are replaced by that folder
 * at the revision; what the fleet renders for its app (`files/`, `vars.json`) stays. The same app,
 * the same document, another playbook: `nlb-tiers-local bench-provisioning` compares the two.
 *
 * Usage: node scripts/assembly-with-playbook.mjs <cdk.out> <git revision> <output cdk.out>
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PLAYBOOK = 'packages/flask-uwsgi-app-fleet/assets/playbook';
/** What the fleet writes beside the playbook's own files (stagePlaybook in src/private/uwsgi-config.ts). */
const RENDERED = new Set(['files', 'vars.json']);

const [source, revision, output] = process.argv.slice(2);
if (!source || !revision || !output) {
  console.error('Usage: node scripts/assembly-with-playbook.mjs <cdk.out> <git revision> <output cdk.out>');
  process.exit(2);
}
if (!fs.existsSync(path.join(source, 'manifest.json'))) {
  console.error(`${source} is not a cloud assembly (no manifest.json): synthesize it first`);
  process.exit(2);
}
const files = execFileSync('git', ['ls-tree', '-r', '--name-only', revision, `${PLAYBOOK}/`], { encoding: 'utf-8' })
  .split('\n').filter(Boolean);
if (files.length === 0) {
  console.error(`${revision} has no ${PLAYBOOK}/: name a revision of this repository that has the fleet's playbook`);
  process.exit(2);
}

fs.rmSync(output, { recursive: true, force: true });
fs.cpSync(source, output, { recursive: true });
const playbooks = fs.readdirSync(output).map(d => path.join(output, d))
  .filter(d => d.startsWith(path.join(output, 'asset.')) && fs.existsSync(path.join(d, 'playbook.yml')));
if (playbooks.length === 0) {
  console.error(`${source} has no playbook asset (an asset folder with a playbook.yml)`);
  process.exit(2);
}
for (const dir of playbooks) {
  for (const entry of fs.readdirSync(dir).filter(e => !RENDERED.has(e))) fs.rmSync(path.join(dir, entry), { recursive: true });
  for (const file of files) {
    const target = path.join(dir, path.relative(PLAYBOOK, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, execFileSync('git', ['show', `${revision}:${file}`]));
  }
}
console.log(`${output}: ${playbooks.length} playbook asset(s) with the playbook of ${revision} (${files.map(f => path.relative(PLAYBOOK, f)).join(', ')})`);
