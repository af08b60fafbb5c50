import * as fs from 'fs';
import * as path from 'path';
import { UnsupportedFeatureError } from '../errors';
import { AWS_DOCUMENTS_DIR } from '../paths';

/** An SSM Command document, as `aws ssm get-document` returns its content (schema 1.2 or 2.x). */
export interface SsmDocument {
  readonly schemaVersion: string;
  readonly description?: string;
  readonly parameters?: Record<string, DocumentParameter>;
  /** Schema 2.x. */
  readonly mainSteps?: Array<{ readonly action: string; readonly name: string; readonly inputs?: Record<string, unknown> }>;
  /** Schema 1.2: plugins, each with a list of property sets. */
  readonly runtimeConfig?: Record<string, { readonly properties: Array<Record<string, unknown>> }>;
}

/** One parameter of a document. */
export interface DocumentParameter {
  readonly type: 'String' | 'StringList' | 'StringMap' | 'Boolean' | 'Integer' | 'MapList';
  readonly default?: unknown;
  readonly allowedValues?: string[];
  readonly allowedPattern?: string;
}

/** `aws:runShellScript`: the lines of a script, run by the shell as SSM Agent does on Linux. */
export interface RunShellScriptStep {
  readonly action: 'aws:runShellScript';
  readonly name: string;
  /** The `runCommand` lines joined by newlines, parameters substituted. */
  readonly script: string;
  readonly timeoutSeconds: number;
  /** Empty: the agent's own folder for the command. */
  readonly workingDirectory: string;
}

/** `aws:downloadContent` from S3: the object is a file asset of the assembly. */
export interface DownloadContentStep {
  readonly action: 'aws:downloadContent';
  readonly name: string;
  /** The S3 URL of the object, as the document names it. */
  readonly sourcePath: string;
  /** The asset in the assembly that was uploaded under that key. */
  readonly asset: { readonly path: string; readonly packaging: 'zip' | 'file' };
  /** Where the content goes on the instance; relative paths are relative to the command's folder. */
  readonly destinationPath: string;
}

export type DocumentStep = RunShellScriptStep | DownloadContentStep;

/** The default timeout of `aws:runShellScript` (SSM Agent's). */
const DEFAULT_TIMEOUT_SECONDS = 3600;

/** AWS-owned documents the tool has the content of (as AWS publishes it), by name. */
export function awsDocument(name: string): SsmDocument | undefined {
  const file = path.join(AWS_DOCUMENTS_DIR, `${name}.json`);
  return /^AWS-[\w-]+$/.test(name) && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined;
}

/**
 * The values of a document's parameters for one association: the association's `Parameters`
 * (CloudFormation gives each as a list of strings), else the parameter's default, checked against
 * its type and allowed values, as SSM does when the association is created.
 */
export function parameterValues(document: SsmDocument, given: Record<string, unknown>): Record<string, unknown> {
  const declared = document.parameters ?? {};
  const unknown = Object.keys(given).filter(k => !(k in declared));
  if (unknown.length > 0) throw new UnsupportedFeatureError(`parameters ${unknown.join(', ')} are not parameters of the document (InvalidParameters)`);
  const values: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(declared)) {
    const raw = given[name];
    if (raw === undefined && p.default === undefined) {
      throw new UnsupportedFeatureError(`the document's parameter ${name} has no value and no default (InvalidParameters)`);
    }
    const value = raw === undefined ? p.default : fromAssociation(name, p, raw);
    if (p.allowedValues && !p.allowedValues.includes(String(value))) {
      throw new UnsupportedFeatureError(`parameter ${name} is "${value}", not one of ${p.allowedValues.join(', ')} (InvalidParameters)`);
    }
    const invalid = p.allowedPattern ? (Array.isArray(value) ? value : [value]).find(v => !new RegExp(p.allowedPattern!).test(String(v))) : undefined;
    if (invalid !== undefined) {
      throw new UnsupportedFeatureError(`parameter ${name} is "${invalid}", which does not match its allowedPattern ${p.allowedPattern} (InvalidParameters)`);
    }
    values[name] = value;
  }
  return values;
}

function fromAssociation(name: string, p: DocumentParameter, raw: unknown): unknown {
  const list = Array.isArray(raw) ? raw : [raw];
  switch (p.type) {
    case 'StringList':
      return list.map(String);
    case 'StringMap': {
      const [v] = list;
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v);
      } catch {
        throw new UnsupportedFeatureError(`parameter ${name} is a StringMap, but its value is not JSON: ${v}`);
      }
    }
    default:
      if (list.length !== 1) throw new UnsupportedFeatureError(`parameter ${name} is a ${p.type} and takes one value, got ${list.length}`);
      return String(list[0]);
  }
}

/**
 * Substitutes `{{ Name }}` of the document's parameters as SSM Agent does: a value that is exactly
 * one reference takes the parameter's value as it is (a list, a map); a reference inside text
 * takes its string form. Braces that name no parameter stay as they are.
 */
export function substitute(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) {
    return value.flatMap(v => {
      const whole = wholeReference(v, parameters);
      return whole !== undefined && Array.isArray(parameters[whole]) ? parameters[whole] as unknown[] : [substitute(v, parameters)];
    });
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, parameters)]));
  if (typeof value !== 'string') return value;
  const whole = wholeReference(value, parameters);
  if (whole !== undefined) return parameters[whole];
  return value.replace(REFERENCE, (text, name: string) => {
    if (name.startsWith('ssm:') || name.startsWith('ssm-secure:')) {
      throw new UnsupportedFeatureError(`{{ ${name} }}: Parameter Store references are not resolved locally`);
    }
    if (!(name in parameters)) return text;
    const v = parameters[name];
    if (typeof v === 'object') throw new UnsupportedFeatureError(`{{ ${name} }} is a list or map and cannot be part of a text`);
    return String(v);
  });
}

const REFERENCE = /\{\{\s*([\w:./-]+)\s*\}\}/g;

/** The parameter a value refers to when it is exactly one reference to a parameter. */
function wholeReference(v: unknown, parameters: Record<string, unknown>): string | undefined {
  const m = typeof v === 'string' ? /^\{\{\s*(\w+)\s*\}\}$/.exec(v) : null;
  return m && m[1] in parameters ? m[1] : undefined;
}

/** Finds the assembly's asset that an S3 URL names (the key is the asset's object key). */
export type AssetLookup = (s3Url: string) => { path: string; packaging: 'zip' | 'file' } | undefined;

/**
 * The steps a document runs with these parameter values, in order. A step this tool cannot run
 * locally is an {@link UnsupportedFeatureError}, found when the stack is mapped.
 */
export function documentSteps(document: SsmDocument, parameters: Record<string, unknown>, findAsset: AssetLookup): DocumentStep[] {
  const raw: Array<{ action: string; name: string; inputs: Record<string, unknown> }> = [];
  if (document.schemaVersion.startsWith('2.')) {
    for (const s of document.mainSteps ?? []) raw.push({ action: s.action, name: s.name, inputs: s.inputs ?? {} });
  } else if (document.schemaVersion === '1.2') {
    for (const [plugin, config] of Object.entries(document.runtimeConfig ?? {})) {
      for (const props of config.properties) raw.push({ action: plugin, name: String(props.id ?? `0.${plugin}`), inputs: props });
    }
  } else {
    throw new UnsupportedFeatureError(`document schema version ${document.schemaVersion}: only 1.2 and 2.x are run locally`);
  }
  return raw.map(s => step(s.action, s.name, substitute(s.inputs, parameters) as Record<string, unknown>, findAsset));
}

function step(action: string, name: string, inputs: Record<string, unknown>, findAsset: AssetLookup): DocumentStep {
  switch (action) {
    case 'aws:runShellScript': {
      const lines = inputs.runCommand;
      const commands = Array.isArray(lines) ? lines.map(String) : typeof lines === 'string' ? [lines] : [];
      const timeout = inputs.timeoutSeconds === undefined || inputs.timeoutSeconds === '' ? DEFAULT_TIMEOUT_SECONDS : Number(inputs.timeoutSeconds);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new UnsupportedFeatureError(`step ${name}: timeoutSeconds "${inputs.timeoutSeconds}" is not a number of seconds`);
      return { action, name, script: commands.join('\n'), timeoutSeconds: timeout, workingDirectory: String(inputs.workingDirectory ?? '') };
    }
    case 'aws:downloadContent': {
      if (inputs.sourceType !== 'S3') throw new UnsupportedFeatureError(`step ${name}: sourceType ${inputs.sourceType}: only S3 (an asset of the assembly) is downloaded locally`);
      const info = typeof inputs.sourceInfo === 'string' ? JSON.parse(inputs.sourceInfo) : inputs.sourceInfo as { path?: string };
      const sourcePath = String(info?.path ?? '');
      const asset = findAsset(sourcePath);
      if (!asset) throw new UnsupportedFeatureError(`step ${name}: ${sourcePath} is not an asset of this assembly`);
      return { action, name, sourcePath, asset, destinationPath: String(inputs.destinationPath ?? '') };
    }
    default:
      throw new UnsupportedFeatureError(`step ${name}: action ${action} is not run locally (aws:runShellScript and aws:downloadContent are)`);
  }
}
