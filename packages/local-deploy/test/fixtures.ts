import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly, StackArtifact } from '../src/assembly/cloud-assembly';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const REFERENCE = { dir: path.join(FIXTURES, 'reference-architecture'), stack: 'NlbTiersReferenceArchitecture' };
export const CUSTOM_APP = { dir: path.join(FIXTURES, 'custom-app'), stack: 'NlbTiersIntegCustomApp', assertions: 'NlbTiersIntegCustomAppAssertions' };
export const INTEG_REFERENCE = {
  dir: path.join(FIXTURES, 'integ-reference-architecture'),
  stack: 'NlbTiersIntegReferenceArchitecture',
  assertions: 'NlbTiersIntegReferenceArchitectureAssertions',
};

export function readStack(fixture: { dir: string; stack: string }): StackArtifact {
  return CloudAssembly.read(fixture.dir).stack(fixture.stack);
}

/** A copy of a fixture whose template `edit` changes; returns the copy's folder. */
export function editedFixture(fixture: { dir: string; stack: string }, edit: (template: any) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-fixture-'));
  fs.cpSync(fixture.dir, dir, { recursive: true });
  const file = path.join(dir, `${fixture.stack}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
  edit(template);
  fs.writeFileSync(file, JSON.stringify(template));
  return dir;
}
