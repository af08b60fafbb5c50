import { Topology } from '../model/topology';
import { LocalDeployment } from '../runtime/deployment';

export interface IntegRunOptions {
  readonly log: (line: string) => void;
  readonly deploy: (topology: Topology) => Promise<LocalDeployment>;
  readonly tearDown: (deployment: LocalDeployment) => Promise<void>;
  readonly healthCheckTimeScale: number;
}

export async function runIntegTests(_dir: string, _options: IntegRunOptions): Promise<number> {
  throw new Error('integ: work in progress');
}
