import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly, StackArtifact } from '../src/assembly/cloud-assembly';

/**
 * Cloud assemblies of the current constructs, written by the root `fixtures` task (a step of the
 * root build) from the example app and the integ tests; never committed, so never stale.
 */
export const FIXTURES = path.join(__dirname, 'fixtures');
export const REFERENCE = { dir: fixtureDir('reference-architecture'), stack: 'NlbTiersReferenceArchitecture' };
export const CUSTOM_APP = { dir: fixtureDir('integ.custom-app'), stack: 'NlbTiersIntegCustomApp', assertions: 'NlbTiersIntegCustomAppAssertions' };
export const INTEG_REFERENCE = {
  dir: fixtureDir('integ.reference-architecture'),
  stack: 'NlbTiersIntegReferenceArchitecture',
  assertions: 'NlbTiersIntegReferenceArchitectureAssertions',
};
export const HTTPS_WEB_FLEET = {
  dir: fixtureDir('integ.https-web-fleet'),
  stack: 'NlbTiersIntegHttpsWebFleet',
  assertions: 'NlbTiersIntegHttpsWebFleetAssertions',
};

/**
 * One stack (the reference architecture) at three versions of the default app
 * (packages/example-app/src/app-versions/): 1, 2, and 3 whose playbook fails on a pip requirement.
 */
export const APP_VERSIONS = {
  stack: 'NlbTiersAppVersions',
  v1: fixtureDir('app-version-1'),
  v2: fixtureDir('app-version-2'),
  v3Failing: fixtureDir('app-version-3-unavailable-requirement'),
};

/** The end-to-end sweep of ports (packages/example-app/src/ports/ports-app.ts). */
export const PORTS = { dir: fixtureDir('ports'), stack: 'NlbTiersPorts' };

/** A TypeScript example of a README, as the app the fixtures task made of it (scripts/readme-apps.mjs). */
export interface ReadmeApp {
  readonly readme: string;
  readonly stack: string;
  readonly dir: string;
}

/** Every example of the READMEs the fixtures task read, in their order. */
export function readmeApps(): ReadmeApp[] {
  const index = path.join(FIXTURES, 'readme-sources', 'index.json');
  if (!fs.existsSync(index)) throw new Error(`${path.relative(process.cwd(), index)} is missing: run "npx projen fixtures" at the repository root`);
  const entries: Array<{ readme: string; stack: string; fixture: string }> = JSON.parse(fs.readFileSync(index, 'utf-8'));
  return entries.map(e => ({ readme: e.readme, stack: e.stack, dir: fixtureDir(e.fixture) }));
}

/** The folder of a fixture; fails, saying how to build them, when the fixtures were not built. */
function fixtureDir(name: string): string {
  const dir = path.join(FIXTURES, name);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`Test fixture ${path.relative(process.cwd(), dir)} is missing: run "npx projen fixtures" at the repository root`);
  }
  return dir;
}

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
