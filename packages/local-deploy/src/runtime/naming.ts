import * as path from 'path';

/** Folder of every local deployment's state and files; a tmpfs, so nothing survives a reboot. */
export const RUN_ROOT = '/run/nlb-tiers-local';
/** Prefix of every namespace the tool creates; teardown and stale cleanup match it exactly. */
export const NAMESPACE_PREFIX = 'nlbt-';

/** Names of one deployment's namespaces and folders, derived from its id. */
export class DeploymentNames {
  constructor(public readonly id: string) {}

  public get runDir(): string {
    return path.join(RUN_ROOT, this.id);
  }

  /** The namespace of a host or balancer. */
  public namespace(host: string): string {
    return `${NAMESPACE_PREFIX}${this.id}-${host}`;
  }

  /** The VPC router: one bridge per subnet, and the Internet gateway's Elastic IP NAT. */
  public get switchNamespace(): string {
    return this.namespace('switch');
  }

  /** Outside the VPC: reaches Elastic IPs only. */
  public get internetNamespace(): string {
    return this.namespace('internet');
  }

  public hostDir(host: string): string {
    return path.join(this.runDir, 'hosts', host);
  }

  public get stateFile(): string {
    return path.join(this.runDir, 'state.json');
  }

  /** The topology as mapped, for commands that act on a live deployment (`reprovision`). */
  public get topologyFile(): string {
    return path.join(this.runDir, 'topology.json');
  }

  /** Unix socket of the process that holds the deployment up (`deploy --hold`): `update` asks it to act. */
  public get commandSocket(): string {
    return path.join(this.runDir, 'command.sock');
  }

  /** Unix socket through which the root namespace reaches a port of an Elastic IP from the Internet namespace. */
  public publishSocket(host: string, port: number): string {
    return path.join(this.runDir, `publish-${host}-${port}.sock`);
  }
}
