import * as fs from 'fs';
import * as path from 'path';
import { ExitCode, LocalDeployError } from '../errors';

/** A CloudFormation template, as synthesized. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, TemplateOutput>;
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: unknown }>;
}

/** One resource of a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** One output of a template. */
export interface TemplateOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
}

/** A file asset of a stack (a folder zipped on upload, or a single file). */
export interface FileAsset {
  readonly hash: string;
  /** Absolute path of the asset's folder or file inside the assembly. */
  readonly sourcePath: string;
  readonly packaging: 'zip' | 'file';
  /** The S3 object keys it is uploaded under. */
  readonly objectKeys: string[];
}

/** One CloudFormation stack of a cloud assembly. */
export interface StackArtifact {
  /** The artifact id (what `cdk deploy` takes). */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  readonly template: Template;
  readonly assets: FileAsset[];
  /** Ids of the stacks this one depends on. */
  readonly dependencies: string[];
}

/** A cloud assembly (`cdk.out` or an integ snapshot folder), read without the CDK. */
export class CloudAssembly {
  /** Reads the assembly at `dir`; raises a clear error if it is not one. */
  public static read(dir: string): CloudAssembly {
    const manifestPath = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestPath)) {
      throw new LocalDeployError(`${dir} is not a cloud assembly: it has no manifest.json (run "cdk synth" first)`, ExitCode.USAGE);
    }
    const manifest = readJson(manifestPath);
    const artifacts: Record<string, any> = manifest.artifacts ?? {};
    const stacks: StackArtifact[] = [];
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const props = artifact.properties ?? {};
      const assetManifestId = (artifact.dependencies ?? []).find((d: string) => artifacts[d]?.type === 'cdk:asset-manifest');
      const assetManifestFile = assetManifestId ? artifacts[assetManifestId].properties.file : undefined;
      stacks.push({
        id,
        stackName: props.stackName ?? id,
        template: readJson(path.join(dir, props.templateFile)),
        assets: assetManifestFile ? readFileAssets(dir, path.join(dir, assetManifestFile)) : [],
        dependencies: (artifact.dependencies ?? []).filter((d: string) => artifacts[d]?.type === 'aws:cloudformation:stack'),
      });
    }
    return new CloudAssembly(path.resolve(dir), stacks);
  }

  private constructor(public readonly directory: string, public readonly stacks: StackArtifact[]) {}

  /** The stack with this artifact id or stack name; raises a clear error listing the stacks otherwise. */
  public stack(name: string): StackArtifact {
    const stack = this.stacks.find(s => s.id === name || s.stackName === name);
    if (!stack) {
      const names = this.stacks.map(s => s.id).join(', ') || '(none)';
      throw new LocalDeployError(`The assembly ${this.directory} has no stack "${name}". Its stacks: ${names}`, ExitCode.USAGE);
    }
    return stack;
  }
}

function readFileAssets(dir: string, assetManifestPath: string): FileAsset[] {
  const manifest = readJson(assetManifestPath);
  return Object.entries<any>(manifest.files ?? {}).map(([hash, asset]) => ({
    hash,
    sourcePath: path.resolve(dir, asset.source.path),
    packaging: asset.source.packaging === 'zip' ? 'zip' : 'file',
    objectKeys: Object.values<any>(asset.destinations ?? {}).map(d => d.objectKey),
  }));
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new LocalDeployError(`Cannot read ${file}: ${(e as Error).message}`, ExitCode.USAGE);
  }
}
