import * as fs from 'fs';
import * as path from 'path';
import {
  ArtifactManifest, ArtifactType, AssemblyManifest, AssetManifestProperties, AwsCloudFormationStackProperties,
  FileAssetPackaging, IntegManifest, Manifest, MetadataEntry,
} from '@aws-cdk/cloud-assembly-schema';
import { ExitCode, LocalDeployError } from '../errors';
import { SUPPORTED_AWS_CDK_LIB, TOOL_VERSION } from '../version';

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
  readonly DependsOn?: string | string[];
  readonly CreationPolicy?: Record<string, any>;
  readonly UpdatePolicy?: Record<string, any>;
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
  readonly packaging: FileAssetPackaging;
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
  /** The metadata entries of the stack's constructs, by construct path (the manifest's and its additional metadata file's). */
  readonly metadata: Record<string, MetadataEntry[]>;
}

/** A cloud assembly (`cdk.out` or an integ snapshot folder), read through the CDK's own manifest schema. */
export class CloudAssembly {
  /** Reads the assembly at `dir`; raises a clear error if it is not one. */
  public static read(dir: string): CloudAssembly {
    const manifestPath = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestPath)) {
      throw new LocalDeployError(`${dir} is not a cloud assembly: it has no manifest.json (run "cdk synth" first)`, ExitCode.USAGE);
    }
    const manifest = load(manifestPath, f => Manifest.loadAssemblyManifest(f));
    return new CloudAssembly(path.resolve(dir), readStacks(dir, manifest));
  }

  /** Reads the `integ.json` of an integ test snapshot. */
  public static readIntegManifest(snapshotDir: string): IntegManifest {
    return load(path.join(snapshotDir, 'integ.json'), f => Manifest.loadIntegManifest(f));
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

function readStacks(dir: string, manifest: AssemblyManifest): StackArtifact[] {
  const artifacts: Record<string, ArtifactManifest> = manifest.artifacts ?? {};
  const ofType = (id: string, type: ArtifactType) => artifacts[id]?.type === type;
  return Object.entries(artifacts)
    .filter(([, artifact]) => artifact.type === ArtifactType.AWS_CLOUDFORMATION_STACK)
    .map(([id, artifact]) => {
      const props = artifact.properties as AwsCloudFormationStackProperties;
      const dependencies = artifact.dependencies ?? [];
      const assetManifestId = dependencies.find(d => ofType(d, ArtifactType.ASSET_MANIFEST));
      const assetManifestFile = assetManifestId ? (artifacts[assetManifestId].properties as AssetManifestProperties).file : undefined;
      return {
        id,
        stackName: props.stackName ?? id,
        template: readJson(path.join(dir, props.templateFile)) as Template,
        assets: assetManifestFile ? readFileAssets(path.join(dir, assetManifestFile)) : [],
        dependencies: dependencies.filter(d => ofType(d, ArtifactType.AWS_CLOUDFORMATION_STACK)),
        metadata: {
          ...(artifact.additionalMetadataFile ? readJson(path.join(dir, artifact.additionalMetadataFile)) as Record<string, MetadataEntry[]> : {}),
          ...artifact.metadata,
        },
      };
    });
}

function readFileAssets(assetManifestPath: string): FileAsset[] {
  const manifest = load(assetManifestPath, f => Manifest.loadAssetManifest(f));
  const dir = path.dirname(assetManifestPath);
  return Object.entries(manifest.files ?? {})
    // Assets built by an executable have no folder or file to read here.
    .filter(([, asset]) => asset.source.path !== undefined)
    .map(([hash, asset]) => ({
      hash,
      sourcePath: path.resolve(dir, asset.source.path!),
      packaging: asset.source.packaging ?? FileAssetPackaging.FILE,
      objectKeys: Object.values(asset.destinations).map(d => d.objectKey),
    }));
}

/**
 * Reads a manifest with the schema's loader; a file it rejects is a usage error, not a crash. A
 * manifest of a newer schema major version than the tool's (a newer aws-cdk-lib than it knows) is
 * refused before the loader reads it, with what to do.
 */
function load<T>(file: string, loader: (file: string) => T): T {
  checkSchemaVersion(file);
  try {
    return loader(file);
  } catch (e) {
    throw new LocalDeployError(`Cannot read ${file}: ${(e as Error).message}`, ExitCode.USAGE);
  }
}

/**
 * The schema's own rule: a reader accepts every manifest of its major version and older ones
 * (`Manifest.validate` of @aws-cdk/cloud-assembly-schema); a new major version is a breaking change
 * of the format.
 */
function checkSchemaVersion(file: string) {
  let version: unknown;
  try {
    version = JSON.parse(fs.readFileSync(file, 'utf-8')).version;
  } catch {
    return; // The loader reports what is wrong with the file.
  }
  const supported = Manifest.version();
  const major = (v: string) => Number(/^(\d+)\./.exec(v)?.[1]);
  if (typeof version === 'string' && major(version) > major(supported)) {
    throw new LocalDeployError(`${file} is written in cloud assembly schema ${version}, newer than the schema ${supported} that `
      + `nlb-tiers-local ${TOOL_VERSION} reads: it was synthesized by an aws-cdk-lib newer than this tool knows. `
      + `The tool reads the assemblies of aws-cdk-lib ${SUPPORTED_AWS_CDK_LIB} up to schema ${major(supported)}.x; `
      + 'upgrade @nlb-tiers/local-deploy (npm install -D @nlb-tiers/local-deploy@latest), or synthesize with an aws-cdk-lib of that schema.', ExitCode.USAGE);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new LocalDeployError(`Cannot read ${file}: ${(e as Error).message}`, ExitCode.USAGE);
  }
}
