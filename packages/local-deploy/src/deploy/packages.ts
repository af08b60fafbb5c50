import { Topology } from '../model/topology';
import { provisioningPackages } from '../provisioning/packages';
import { BASE_PACKAGES } from '../runtime/preflight';

/**
 * The Debian packages a topology needs: the base tools, what provisioning runs with when a host has
 * associations, and HAProxy and OpenSSL (the proxy and the local CA) for Application Load Balancers.
 */
export function requiredPackages(topology: Topology): string[] {
  const balancers = topology.balancers.some(b => b.type === 'application') ? APPLICATION_LOAD_BALANCER_PACKAGES : [];
  return [...new Set([...deploymentPackages(topology.hosts.some(h => h.associations.length > 0)), ...balancers])].sort();
}

/** What an Application Load Balancer runs with. */
export const APPLICATION_LOAD_BALANCER_PACKAGES = ['haproxy', 'openssl'];

/** The Debian packages of a deployment: the base tools, and what provisioning runs with when it provisions hosts. */
export function deploymentPackages(provisioned: boolean): string[] {
  return [...new Set([...BASE_PACKAGES, ...(provisioned ? provisioningPackages() : [])])].sort();
}
