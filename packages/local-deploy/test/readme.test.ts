import * as fs from 'fs';
import * as path from 'path';
import { README, USER_APP, readmeCommands } from './user-app';
import { WRK_PACKAGE } from '../src/bench/wrk';
import { deploymentPackages } from '../src/deploy/packages';
import { resourceKind } from '../src/model/resource-kinds';
import { BASE_PACKAGES } from '../src/runtime/preflight';

/** The paragraph or list after a `<!-- marker -->` line, up to the next blank line after it starts. */
function section(marker: string): string {
  const start = README.indexOf(`<!-- ${marker}`);
  if (start < 0) throw new Error(`README.md has no <!-- ${marker} --> section`);
  const body = README.slice(README.indexOf('\n', start) + 1);
  return body.slice(0, body.search(/\n\s*\n(?![-\s])/) + 1);
}

/** The `backquoted` words of a text. */
const quoted = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map(m => m[1]);

describe('the package README', () => {
  test('each example file of "Use it in your own app" is examples/my-app/<file> as it is', () => {
    const examples = [...README.matchAll(/<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```/g)];
    expect(examples.map(m => m[1]).sort()).toEqual(['flask-app/hello/wsgi.py', 'integ/integ.my-stack.ts', 'my-stack.ts', 'test/my-stack.test.ts']);
    for (const [, file, code] of examples) expect(code).toBe(fs.readFileSync(path.join(USER_APP, file), 'utf-8'));
  });

  test('the resource types it says are run and ignored are those the tool maps and ignores', () => {
    const mapped = quoted(section('resource-types: mapped')).filter(t => t.includes('::'));
    const ignored = quoted(section('resource-types: ignored')).filter(t => t.includes('::'));
    expect(mapped.length).toBeGreaterThan(10);
    for (const type of mapped) expect([type, resourceKind('X', { Type: type })?.kind]).toEqual([type, 'mapped']);
    for (const type of ignored) expect([type, resourceKind('X', { Type: type })?.kind]).toEqual([type, 'ignored']);
    expect(resourceKind('X', { Type: 'AWS::Lambda::Function' })).toBeUndefined();
  });

  test('the Debian packages it lists are exactly those the preflight installs', () => {
    const lines = section('debian-packages').split(/\n- /);
    const [always, provisioned, bench] = ['always', 'when a host is provisioned', 'for `bench`']
      .map(start => quoted(lines.find(l => l.replace(/^- /, '').startsWith(start))!.replace(/^.*?:/, '')).filter(w => !w.includes(' ')));
    expect(always).toEqual(BASE_PACKAGES);
    expect([...always, ...provisioned].sort()).toEqual(deploymentPackages(true));
    expect(bench).toEqual([WRK_PACKAGE]);
  });
});

test('the commands of "Use it in your own app" are the tool\'s and jest', () => {
  expect(readmeCommands()).toEqual(['npx nlb-tiers-local preflight --install-packages', 'npx nlb-tiers-local integ integ', 'npx jest']);
});
