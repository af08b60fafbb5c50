import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTemplate } from '../../src/private/template';

function templateFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'template-test-')), 'file.txt');
  fs.writeFileSync(file, text);
  return file;
}

describe('renderTemplate', () => {
  test('replaces every marker, leaving shell and Jinja syntax alone', () => {
    const file = templateFile('port=@@port@@ ${HOME} {{ jinja }} @@port@@ @@name@@');
    expect(renderTemplate(file, { port: 9090, name: 'x' })).toBe('port=9090 ${HOME} {{ jinja }} 9090 x');
  });

  test('fails on a marker without a value', () => {
    const file = templateFile('@@missing@@');
    expect(() => renderTemplate(file, {})).toThrow(/has a marker @@missing@@ with no value/);
  });

  test('fails on a value without a marker', () => {
    const file = templateFile('nothing here');
    expect(() => renderTemplate(file, { extra: 1 })).toThrow(/has no marker for extra/);
  });
});
