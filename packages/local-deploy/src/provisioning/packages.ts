import * as fs from 'fs';
import * as path from 'path';
import { SHIMS_DIR } from '../paths';

/** The mapping the package manager shims use: Amazon Linux rpm and pip names to Debian packages. */
interface PackageMapping {
  readonly rpm: Record<string, { readonly debian: string[] }>;
  readonly pip: Record<string, { readonly debian: string[] }>;
}

/**
 * What provisioning on a local host runs with: Debian's Python (the shims), Ansible, and curl, which
 * Amazon Linux 2023 images have (curl-minimal) and the scripts use to read the instance metadata
 * and check that httpd answers.
 */
const PROVISIONING_TOOLS = ['python3', 'ansible-core', 'curl'];

/**
 * The Debian packages a local host's provisioning may ask for: the tools it runs with and every
 * package the shims map an rpm or pip name to. The preflight installs them (a host has no network).
 */
export function provisioningPackages(): string[] {
  const mapping: PackageMapping = JSON.parse(fs.readFileSync(path.join(SHIMS_DIR, 'usr', 'lib', 'nlb-tiers-local', 'packages.json'), 'utf-8'));
  const mapped = [...Object.values(mapping.rpm), ...Object.values(mapping.pip)].flatMap(e => e.debian);
  return [...new Set([...PROVISIONING_TOOLS, ...mapped])].sort();
}
