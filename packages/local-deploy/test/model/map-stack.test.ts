import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { ExitCode } from '../../src/errors';
import { mapStack, UnsupportedResourcesError } from '../../src/model/map-stack';
import { ApacheService, Topology, UwsgiService } from '../../src/model/topology';
import { CUSTOM_APP, editedFixture, readStack, REFERENCE } from '../fixtures';

function services<K extends 'apache' | 'uwsgi'>(t: Topology, kind: K) {
  return t.hosts.flatMap(h => h.services).filter(s => s.kind === kind) as Array<K extends 'apache' ? ApacheService : UwsgiService>;
}

describe('mapStack on the reference architecture', () => {
  const topology = mapStack(readStack(REFERENCE));

  test('one host per instance and per desired instance of the Auto Scaling group', () => {
    expect(topology.hosts.map(h => [h.name, h.logicalId])).toEqual([
      ['web1', 'WebServer6E276FE3'],
      ['app1', 'AppFleetASG62DF6EAA'],
      ['app2', 'AppFleetASG62DF6EAA'],
    ]);
    expect(new Set(topology.hosts.map(h => h.instanceId)).size).toBe(3);
    for (const h of topology.hosts) expect(h.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
  });

  test('subnets come from the template; the web server is public, the app hosts are spread over the private subnets', () => {
    const subnetOf = (name: string) => topology.subnets.find(s => s.logicalId === topology.hosts.find(h => h.name === name)!.subnet)!;
    expect(subnetOf('web1')).toMatchObject({ cidr: '10.0.0.0/24', isPublic: true });
    expect(subnetOf('app1')).toMatchObject({ cidr: '10.0.2.0/24', isPublic: false });
    expect(subnetOf('app2')).toMatchObject({ cidr: '10.0.3.0/24', isPublic: false });
    expect(topology.hosts.find(h => h.name === 'web1')!.elasticIp).toMatch(/^203\.0\.113\.\d+$/);
  });

  test('the NLB: listener port, target group health check and targets from the template', () => {
    expect(topology.balancers).toHaveLength(1);
    const [listener] = topology.balancers[0].listeners;
    expect(listener.port).toBe(9090);
    expect(listener.targetGroup).toMatchObject({
      port: 9090,
      preserveClientIp: false,
      healthCheck: { port: 9090, intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
      targets: ['app1', 'app2'],
    });
  });

  test('Apache proxies to the NLB DNS name, which the hosts resolve to the local balancer', () => {
    const [apache] = services(topology, 'apache');
    const balancer = topology.balancers[0];
    expect(apache.listenPort).toBe(80);
    expect(apache.proxyConfig).toContain(`ProxyPass "/" "uwsgi://${balancer.dnsName}:9090/"`);
    expect(topology.hosts[0].hostsEntries).toEqual([{ name: balancer.dnsName, address: balancer.address }]);
  });

  test('the app hosts run the asset\'s uwsgi.ini and app, restarted as the unit says', () => {
    const uwsgi = services(topology, 'uwsgi');
    expect(uwsgi).toHaveLength(2);
    expect(uwsgi[0]).toMatchObject({
      port: 9090,
      appDir: '/opt/nlb-tiers/app',
      restart: { restart: 'on-failure', restartSeconds: 3 },
      killSignal: 'SIGQUIT',
      debianPackages: ['uwsgi-core', 'uwsgi-plugin-python3', 'python3-flask'],
    });
    expect(uwsgi[0].originalIni).toContain('module = run:app');
  });

  test('IMDSv2 is required where the launch template says so', () => {
    for (const h of topology.hosts) expect(h.metadata.tokensRequired).toBe(true);
  });

  test('security groups: the app hosts admit uwsgi from the balancer\'s group only', () => {
    const app = topology.securityGroups.find(g => g.logicalId === topology.hosts[1].securityGroups[0])!;
    expect(app.ingress).toEqual([expect.objectContaining({ protocol: 'tcp', fromPort: 9090, toPort: 9090, peer: { securityGroup: topology.balancers[0].securityGroups[0] } })]);
  });

  test('IAM, the log bucket, routes and CDK metadata are ignored with a reason', () => {
    const types = new Set(topology.ignored.map(i => i.type));
    for (const t of ['AWS::IAM::Role', 'AWS::S3::Bucket', 'AWS::EC2::Route', 'AWS::CDK::Metadata']) expect(types).toContain(t);
  });

  test('outputs resolve to local values', () => {
    expect(topology.outputs.WebUrl).toBe(`http://${topology.hosts[0].elasticIp}/`);
  });
});

describe('mapStack follows the props', () => {
  const topology = mapStack(readStack(CUSTOM_APP));

  test('port, capacity, thresholds, the web port and the custom app all change the local deployment', () => {
    expect(topology.hosts.filter(h => h.services.some(s => s.kind === 'uwsgi'))).toHaveLength(3);
    const [listener] = topology.balancers[0].listeners;
    expect(listener.port).toBe(9191);
    expect(listener.targetGroup.healthCheck).toMatchObject({ intervalSeconds: 15, healthyThreshold: 3, unhealthyThreshold: 4 });
    expect(services(topology, 'apache')[0].listenPort).toBe(8080);
    expect(services(topology, 'uwsgi')[0].originalIni).toContain('module = greeter.wsgi:application');
    expect(services(topology, 'uwsgi')[0].port).toBe(9191);
  });

  test('exports are kept for the assertion stack\'s Fn::ImportValue', () => {
    expect(Object.keys(topology.exports)).toEqual(expect.arrayContaining([
      'NlbTiersIntegCustomApp:ExportsOutputRefAppTierTargetGroup8EE5AC9B027B0451',
    ]));
    expect(topology.exports['NlbTiersIntegCustomApp:ExportsOutputRefAppTierTargetGroup8EE5AC9B027B0451']).toBe(topology.balancers[0].listeners[0].targetGroup.arn);
  });
});

describe('mapStack reports everything it cannot run, before anything starts', () => {
  test('unsupported resources are listed together', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.Database = { Type: 'AWS::RDS::DBInstance', Properties: {} };
      t.Resources.AppTier86AA572A.Properties.Type = 'application';
      t.Resources.AppTierTargetGroup8EE5AC9B.Properties.TargetGroupAttributes = [];
    });
    const run = () => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack));
    expect(run).toThrow(UnsupportedResourcesError);
    try {
      run();
    } catch (e: any) {
      expect(e.exitCode).toBe(ExitCode.UNSUPPORTED_RESOURCES);
      expect(e.message).toMatch(/nothing was started/);
      expect(e.message).toMatch(/Database \(AWS::RDS::DBInstance\): no local equivalent/);
      expect(e.message).toMatch(/AppTier86AA572A \(AWS::ElasticLoadBalancingV2::LoadBalancer\): load balancer type "application"/);
      expect(e.message).toMatch(/preserves client IPs/);
    }
  });

  test('an association whose document the tool does not know is unsupported', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.WebServerProvisioningC974554E.Properties.Name = 'AWS-RunPowerShellScript';
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/SSM document AWS-RunPowerShellScript/);
  });

  test('a shell script without the proxy configuration is unsupported', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.WebServerProvisioningC974554E.Properties.Parameters.commands = ['#!/bin/bash', 'echo hello'];
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/does not write an nlb-tiers proxy configuration/);
  });
});
