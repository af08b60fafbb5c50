import { LocalDeployment, LaunchedInstance } from '../../src/deploy/deployment';
import { ResourceSignals } from '../../src/deploy/resource-signals';
import { replaceInBatches } from '../../src/deploy/update';
import { mapStack } from '../../src/model/map-stack';
import { AutoScalingGroup, Host, Topology } from '../../src/model/topology';
import { readStack, REFERENCE } from '../fixtures';

const topology: Topology = mapStack(readStack(REFERENCE));
const reference = topology.groups.find(g => g.role === 'app')!;
const STACK = ['--stack', topology.stackName, '--region', topology.region];

/** A deployment whose new instances signal as `signal` says, recording what it does in order. */
function fakeDeployment(signal: (host: string) => string[] | undefined) {
  const events: string[] = [];
  let running = topology.hosts.filter(h => h.logicalId === reference.logicalId).map(h => h.name);
  let next = running.length + 1;
  const signals = new ResourceSignals(topology, () => undefined);
  const deployment = {
    signals,
    healthCheckTimeScale: 0.00001,
    runningInstances: () => running.map(name => ({ name } as Host)),
    launchInstances: async (_group: string, count: number): Promise<LaunchedInstance[]> => Array.from({ length: count }, () => {
      const host = `app${next++}`;
      running = [...running, host];
      events.push(`launch ${host}`);
      const argv = signal(host);
      if (argv) signals.receive({ name: host, instanceId: `i-${host}` } as Host, [...STACK, '--resource', reference.logicalId, ...argv]);
      return { host, instanceId: `i-${host}`, address: '', subnet: '', availabilityZone: '', provisioned: true, inService: true, seconds: 1 };
    }),
    terminateInstance: async (host: string) => {
      running = running.filter(h => h !== host);
      events.push(`terminate ${host}`);
    },
  } as unknown as LocalDeployment;
  return { deployment, events, running: () => running };
}

const group: AutoScalingGroup = {
  ...reference,
  maxSize: 3,
  rollingUpdate: { maxBatchSize: 1, minInstancesInService: 2, pauseTimeSeconds: 2400, waitOnResourceSignals: true },
};

describe('replaceInBatches (a rolling update that waits for signals)', () => {
  test('launches a new instance, takes its SUCCESS signal, then terminates an old one, batch by batch', async () => {
    const { deployment, events, running } = fakeDeployment(() => ['-e', '0']);

    expect(await replaceInBatches(deployment, group, () => undefined)).toBeUndefined();

    expect(events).toEqual(['launch app3', 'terminate app1', 'launch app4', 'terminate app2']);
    expect(running()).toEqual(['app3', 'app4']);
  });

  test('a FAILURE signal stops it before any old instance of that batch is terminated, naming the instance', async () => {
    const { deployment, events } = fakeDeployment(host => (host === 'app4' ? ['-e', '1', '--reason', 'the app does not answer'] : ['-e', '0']));

    const failure = await replaceInBatches(deployment, group, () => undefined);

    expect(failure).toEqual({ reason: 'app4 (i-app4) signalled FAILURE: the app does not answer', unproven: ['app4'], replaced: ['app3'] });
    expect(events).toEqual(['launch app3', 'terminate app1', 'launch app4']);
  });

  test('a missing signal stops it once the scaled PauseTime passed', async () => {
    const { deployment, events } = fakeDeployment(() => undefined);

    const failure = await replaceInBatches(deployment, group, () => undefined);

    expect(failure?.reason).toBe('app3 (i-app3) sent no signal within PauseTime 2400s (x0.00001 locally: 0.024s)');
    expect(events).toEqual(['launch app3']);
  });
});
