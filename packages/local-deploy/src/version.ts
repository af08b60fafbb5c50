import * as fs from 'fs';
import * as path from 'path';

/** The fields of this package's manifest that the tool reads. */
interface PackageManifest {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** This package's manifest: the same path from src/ (tests) and from lib/ (the compiled tool). */
const MANIFEST: PackageManifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));

/**
 * The tool's version. The nlb-tiers construct libraries and the tool are released together at one
 * version, and each release's tool is tested with the constructs of that version: this is the
 * constructs' version it was tested with.
 */
export const TOOL_VERSION = MANIFEST.version;

/** The aws-cdk-lib versions whose cloud assemblies the tool reads (its dependency's range). */
export const SUPPORTED_AWS_CDK_LIB = MANIFEST.dependencies?.['aws-cdk-lib'] ?? MANIFEST.peerDependencies?.['aws-cdk-lib'] ?? '(unknown)';
