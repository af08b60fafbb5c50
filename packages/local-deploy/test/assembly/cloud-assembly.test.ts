import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { ExitCode } from '../../src/errors';
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
