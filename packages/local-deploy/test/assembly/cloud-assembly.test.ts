import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Manifest } from '@aws-cdk/cloud-assembly-schema';
import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { constructVersions, constructVersionWarnings } from '../../src/assembly/construct-versions';
import { ExitCode } from '../../src/errors';
import { TOOL_VERSION } from '../../src/version';
import { CUSTOM_APP, REFERENCE } from '../fixtures';

describe('CloudAssembly', () => {
  test('reads the stacks of an assembly with their templates and file assets', () => {
    // WHEN
    const assembly = CloudAssembly.read(REFERENCE.dir);
    const stack = assembly.stack(REFERENCE.stack);

    // THEN
    expect(assembly.stacks.map(s => s.id)).toEqual([REFERENCE.stack]);
    expect(stack.template.Resources?.AppTier86AA572A.Type).toBe('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const playbook = stack.assets.find(a => fs.existsSync(path.join(a.sourcePath, 'playbook.yml')));
    expect(playbook).toBeDefined();
    expect(playbook!.packaging).toBe('zip');
    expect(playbook!.objectKeys).toEqual([`${playbook!.hash}.zip`]);
  });

  test('reads a test stack and its assertion stack from one assembly', () => {
    const assembly = CloudAssembly.read(CUSTOM_APP.dir);
    expect(assembly.stack(CUSTOM_APP.assertions).template.Resources).toBeDefined();
    expect(assembly.stack(CUSTOM_APP.stack).stackName).toBe(CUSTOM_APP.stack);
  });

  test('a folder without manifest.json is not an assembly', () => {
    expect(() => CloudAssembly.read(__dirname)).toThrow(/is not a cloud assembly: it has no manifest.json/);
  });

  test('an unknown stack name lists the stacks there are', () => {
    const assembly = CloudAssembly.read(REFERENCE.dir);
    expect(() => assembly.stack('Nope')).toThrow(/has no stack "Nope". Its stacks: NlbTiersReferenceArchitecture/);
    try {
      assembly.stack('Nope');
    } catch (e: any) {
      expect(e.exitCode).toBe(ExitCode.USAGE);
    }
  });
});

describe('the versions the tool reads', () => {
  /** A copy of the reference assembly whose manifest says `version`. */
  function assemblyOfSchema(version: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-schema-'));
    fs.cpSync(REFERENCE.dir, dir, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version }));
    return dir;
  }

  test('an assembly of a newer schema major version is refused with what to do, as a usage error', () => {
    const major = Number(Manifest.version().split('.')[0]);
    const dir = assemblyOfSchema(`${major + 1}.0.0`);
    try {
      expect(() => CloudAssembly.read(dir)).toThrow(new RegExp(`is written in cloud assembly schema ${major + 1}\\.0\\.0, newer than the schema ${Manifest.version().replace(/\./g, '\\.')}.*`
        + `aws-cdk-lib \\^2\\.\\d+\\.\\d+ up to schema ${major}\\.x; upgrade @nlb-tiers/local-deploy`));
      try {
        CloudAssembly.read(dir);
      } catch (e: any) {
        expect(e.exitCode).toBe(ExitCode.USAGE);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an assembly of the same major version, or an older one, is read', () => {
    for (const version of [Manifest.version().replace(/^(\d+)\..*$/, '$1.99.0'), '36.0.0']) {
      const dir = assemblyOfSchema(version);
      try {
        expect(CloudAssembly.read(dir).stack(REFERENCE.stack).template.Resources).toBeDefined();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('the stack\'s metadata carries the version each nlb-tiers construct was synthesized with', () => {
    const stack = CloudAssembly.read(REFERENCE.dir).stack(REFERENCE.stack);
    const versions = constructVersions(stack);
    expect(versions.map(v => v.fqn).sort()).toEqual([
      '@nlb-tiers/apache-uwsgi-web-server.ApacheUwsgiWebServer',
      '@nlb-tiers/flask-uwsgi-app-fleet.FlaskUwsgiAppFleet',
      '@nlb-tiers/internal-nlb-tier.InternalNlbTier',
    ]);
    // The workspace's libraries and tool share one version; so does a release.
    expect(new Set(versions.map(v => v.version))).toEqual(new Set([TOOL_VERSION]));
    expect(constructVersionWarnings(stack)).toEqual([]);
  });

  test('a library of another version than the tool\'s is reported once, with its constructs and what to install', () => {
    const stack = CloudAssembly.read(REFERENCE.dir).stack(REFERENCE.stack);
    const warnings = constructVersionWarnings(stack, '99.1.0');
    expect(warnings).toHaveLength(3);
    const tier = constructVersions(stack).find(v => v.fqn.startsWith('@nlb-tiers/internal-nlb-tier.'))!;
    expect(warnings).toContain(`Warning: ${REFERENCE.stack} was synthesized with @nlb-tiers/internal-nlb-tier ${tier.version} (${tier.path}), `
      + 'but this nlb-tiers-local 99.1.0 was tested with the constructs at 99.1.0. What changed between the two may be run differently '
      + `or reported as unsupported; install the same version of both: npm install -D @nlb-tiers/local-deploy@${tier.version}`);
  });
});
