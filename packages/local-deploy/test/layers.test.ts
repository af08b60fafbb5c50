import * as fs from 'fs';
import * as path from 'path';
import { LegacyESLint } from 'eslint/use-at-your-own-risk';

/**
 * The layering of src/ as lint enforces it: the zones and the entry-point rule are read from the
 * package's generated .eslintrc.json (written from projenrc/local-deploy-layers.ts), and each is
 * run on source that breaks it, as if the source were a file of the folder.
 */
const PACKAGE_DIR = path.resolve(__dirname, '..');
const SRC = path.join(PACKAGE_DIR, 'src');

interface Zone {
  readonly target: string;
  readonly from: string;
  readonly message: string;
}

// The generated file starts with a line comment.
const eslintrc = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, '.eslintrc.json'), 'utf-8').replace(/^\/\/.*\n/, ''));
const zones: Zone[] = eslintrc.rules['import/no-restricted-paths'][1].zones;
const entryPointRules = (eslintrc.overrides as Array<{ rules?: Record<string, unknown> }>).filter(o => o.rules?.['no-restricted-properties']);

// Only the two rules under test, without type information (they need none).
const eslint = new LegacyESLint({
  cwd: PACKAGE_DIR,
  useEslintrc: false,
  baseConfig: {
    root: true,
    parser: '@typescript-eslint/parser',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    plugins: ['import'],
    settings: eslintrc.settings,
    rules: { 'import/no-restricted-paths': eslintrc.rules['import/no-restricted-paths'] },
    overrides: entryPointRules.map(o => ({ ...o, rules: { 'no-restricted-properties': o.rules!['no-restricted-properties'] } })),
  } as any,
});

/** The messages of the rules under test for `code` as a file named `name` of a folder of src/ (`.` for src/ itself). */
async function lint(folder: string, code: string, name = 'layer-probe.ts'): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: path.join(SRC, folder, name) });
  return result.messages.map(m => ({ ruleId: m.ruleId, message: m.message }));
}

/** A module of a folder of src/, as an import from `from` writes it. */
function moduleOf(folder: string, from: string): string {
  const file = fs.readdirSync(path.join(SRC, folder)).filter(f => f.endsWith('.ts')).sort()[0];
  const relative = path.relative(path.join(SRC, from), path.join(SRC, folder, file.replace(/\.ts$/, '')));
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The folder of a zone's path (`.` for the files of src/ itself: `*.ts`, `!(index).ts`, `index.ts`). */
const folderOf = (zonePath: string) => zonePath.endsWith('.ts') ? path.relative('./src', path.dirname(zonePath)) || '.' : path.relative('./src', zonePath);
/** The file a zone's target is probed as: the main module for its own zones, any other file of the folder otherwise. */
const probeFile = (zonePath: string) => zonePath === './src/index.ts' ? 'index.ts' : 'layer-probe.ts';
const srcFolders = fs.readdirSync(SRC, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort();

describe('layers of src/', () => {
  test('every folder of src/ has a place in the layers', () => {
    const placed = new Set(zones.flatMap(z => [folderOf(z.target), folderOf(z.from)]));
    expect(srcFolders.filter(f => !placed.has(f))).toEqual([]);
  });

  test.each(zones.map(z => [folderOf(z.target), folderOf(z.from), probeFile(z.target)]))('lint fails when %s/ imports %s/ (%s)', async (target, from, file) => {
    const messages = await lint(target, `import * as upward from '${moduleOf(from, target)}';\nexport const probe = upward;\n`, file);
    expect(messages).toEqual([expect.objectContaining({ ruleId: 'import/no-restricted-paths', message: expect.stringContaining(`may not import ${from}/`) })]);
  });

  test('imports down the layers pass', async () => {
    const down: Array<[string, string[]]> = [
      ['api', ['cli', 'deploy', 'checks', 'bench', 'runtime', 'provisioning', 'model', 'assembly']],
      ['cli', ['deploy', 'checks', 'bench', 'runtime', 'provisioning', 'model', 'assembly']],
      ['bench', ['checks', 'deploy', 'runtime']],
      ['deploy', ['runtime', 'provisioning', 'model']],
      ['provisioning', ['model']],
      ['runtime', ['model']],
      ['model', ['assembly']],
    ];
    for (const [target, froms] of down) {
      const code = froms.map((f, i) => `import * as m${i} from '${moduleOf(f, target)}';`).join('\n') +
        `\nimport { ExitCode } from '../errors';\nexport const probe = [${froms.map((_, i) => `m${i}`).join(', ')}, ExitCode];\n`;
      expect(await lint(target, code)).toEqual([]);
    }
  });

  test('only the entry points exit or trap signals', async () => {
    const code = "process.on('SIGINT', () => process.exit(130));\n";
    expect((await lint('deploy', code)).map(m => m.ruleId)).toEqual(['no-restricted-properties', 'no-restricted-properties']);
    expect(await lint('checks', 'process.exitCode = 1;\n')).toEqual([expect.objectContaining({ ruleId: 'no-restricted-properties' })]);
    expect(await lint('cli', code, 'main.ts')).toEqual([]);
    expect(await lint('runtime/agents', code, 'imds-server.ts')).toEqual([]);
    expect(await lint('api', code, 'local-deployment.ts')).toEqual([]);
    expect((await lint('api', code)).map(m => m.ruleId)).toEqual(['no-restricted-properties', 'no-restricted-properties']);
  });

  test('the main module imports the API, and no other file of src/ does', async () => {
    const code = `import * as api from '${moduleOf('api', '.')}';\nexport const probe = api;\n`;
    expect(await lint('.', code, 'index.ts')).toEqual([]);
    expect(await lint('.', code)).toEqual([expect.objectContaining({ ruleId: 'import/no-restricted-paths', message: expect.stringContaining('may not import api/') })]);
  });
});
