import * as fs from 'fs';

/**
 * Renders a template file shipped in a package: every `@@name@@` is replaced by its value.
 *
 * The `@@` markers clash with neither shell, ini, systemd, YAML nor Jinja syntax. A marker
 * without a value, or a value without a marker, is a bug in the caller and fails loudly.
 */
export function renderTemplate(templatePath: string, values: Record<string, string | number>): string {
  const text = fs.readFileSync(templatePath, 'utf-8');
  const used = new Set<string>();
  const rendered = text.replace(/@@([A-Za-z][A-Za-z0-9]*)@@/g, (_, name: string) => {
    if (!(name in values)) {
      throw new Error(`template ${templatePath} has a marker @@${name}@@ with no value`);
    }
    used.add(name);
    return String(values[name]);
  });
  const unused = Object.keys(values).filter(k => !used.has(k));
  if (unused.length > 0) {
    throw new Error(`template ${templatePath} has no marker for ${unused.join(', ')}`);
  }
  return rendered;
}
