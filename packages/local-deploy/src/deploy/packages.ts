import { Topology } from '../model/topology';
import { provisioningPackages } from '../provisioning/packages';
import { BASE_PACKAGES } from '../runtime/preflight';

/** The Debian packages a topology needs: the base tools, and what provisioning runs with when a host has associations. */
export function requiredPackages(topology: Topology): string[] {
  return deploymentPackages(topology.hosts.some(h => h.associations.length > 0));
}

/** The Debian packages of a deployment: the base tools, and what provisioning runs with when it provisions hosts. */
export function deploymentPackages(provisioned: boolean): string[] {
  return [...new Set([...BASE_PACKAGES, ...(provisioned ? provisioningPackages() : [])])].sort();
}
