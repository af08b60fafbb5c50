import { typescript } from 'projen';

/**
 * The layers of local-deploy's `src/`, lowest first. A folder imports only folders of earlier
 * layers (and the files of `src/` itself, the leaf: shared paths and errors); folders of one
 * layer do not import each other.
 *
 * - `assembly/` reads a cloud assembly; `model/` maps a stack to a `Topology` (pure data, SSM
 *   documents included);
 * - `runtime/` runs one kind of thing on this machine (namespaces, firewall, hosts, processes);
 *   `provisioning/` runs an association's document on one host as SSM Agent does. Neither knows
 *   the other: provisioning asks for a `ProvisioningTarget`, which the runtime's `Machine` is;
 * - `deploy/` knows the order of things (`LocalDeployment`: up, provision, attach, scale, down);
 * - `checks/` sends requests and runs integ assertions against a deployment; `bench/` measures
 *   deployments and may use the checks' request helpers;
 * - `cli/` parses the command line and is the tool's entry point;
 * - `api/` is the programmatic entry point (`LocalDeployment.up`): the command line's session and
 *   deploy path, for a user's tests. `src/index.ts`, the package's main module, re-exports it and
 *   is the one file of `src/` that imports a folder.
 */
export const LOCAL_DEPLOY_LAYERS: readonly (readonly string[])[] = [
  ['assembly'],
  ['model'],
  ['runtime', 'provisioning'],
  ['deploy'],
  ['checks'],
  ['bench'],
  ['cli'],
  ['api'],
];

/**
 * The files that may end the tool's process or trap its signals: the command line's entry point
 * (every command, the benchmark included, runs through it), the agents, which are programs of
 * their own run inside namespaces, and the programmatic API, which tears its deployments down on
 * a signal before it raises the signal again.
 */
export const LOCAL_DEPLOY_ENTRY_POINTS = ['src/cli/main.ts', 'src/runtime/agents/*.ts', 'src/api/local-deployment.ts'];

/** The package's main module: it re-exports the programmatic API. */
const MAIN_MODULE = 'index.ts';

/** One `import/no-restricted-paths` zone: `target` may not import from `from`. */
export interface ImportZone {
  readonly target: string;
  readonly from: string;
  readonly message: string;
}

/** One zone per import that would run back up (or across) the layers of {@link LOCAL_DEPLOY_LAYERS}. */
export function layerZones(layers: readonly (readonly string[])[] = LOCAL_DEPLOY_LAYERS): ImportZone[] {
  const order = ['src/*.ts', ...layers.map(l => l.map(f => `${f}/`).join(' | '))].join(' → ');
  const why = `local-deploy's layers, lowest first, are ${order}; each imports only the ones before it (projenrc/local-deploy-layers.ts)`;
  const zones: ImportZone[] = [];
  const all = layers.flat();
  // The leaf (the files of src/ itself) imports no folder.
  for (const from of all) {
    zones.push({ target: `./src/!(${MAIN_MODULE.replace(/\.ts$/, '')}).ts`, from: `./src/${from}`, message: `the files of src/ (the leaf) may not import ${from}/: ${why}` });
  }
  // The main module re-exports the API only.
  for (const from of all.filter(f => f !== 'api')) {
    zones.push({ target: `./src/${MAIN_MODULE}`, from: `./src/${from}`, message: `src/${MAIN_MODULE} may not import ${from}/ (it re-exports api/ only): ${why}` });
  }
  layers.forEach((layer, i) => {
    const notBelow = layers.slice(i).flat();
    for (const target of layer) {
      for (const from of notBelow.filter(f => f !== target)) {
        const relation = layer.includes(from) ? 'beside' : 'below';
        zones.push({ target: `./src/${target}`, from: `./src/${from}`, message: `${target}/ may not import ${from}/ (it is ${relation} it): ${why}` });
      }
    }
  });
  return zones;
}

/**
 * Lint rules that keep local-deploy's code flowing one way: `import/no-restricted-paths` with the
 * zones of {@link layerZones} (paths relative to the package, where its eslint task runs), and
 * no `process.exit`, `process.exitCode` or signal handler outside {@link LOCAL_DEPLOY_ENTRY_POINTS}.
 */
export function enforceLocalDeployLayers(project: typescript.TypeScriptProject) {
  project.eslint!.addRules({ 'import/no-restricted-paths': ['error', { zones: layerZones() }] });
  const message = 'only the entry points end the process or trap signals (projenrc/local-deploy-layers.ts): return an ExitCode or throw a LocalDeployError instead';
  project.eslint!.addOverride({
    files: ['src/**/*.ts'],
    excludedFiles: LOCAL_DEPLOY_ENTRY_POINTS,
    rules: {
      'no-restricted-properties': ['error',
        ...['exit', 'exitCode', 'on', 'once', 'addListener', 'prependListener'].map(property => ({ object: 'process', property, message }))],
    },
  });
}
