import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { ExitCode } from '../../src/errors';
import { mapStack, UnsupportedResourcesError } from '../../src/model/map-stack';
import { RunShellScriptStep } from '../../src/model/ssm-documents';
import { CUSTOM_APP, editedFixture, readStack, REFERENCE } from '../fixtures';

/** The script of a host's first shell step, as its association runs it. */
function firstScript(host: { associations: Array<{ steps: Array<{ action: string }> }> }): string {
  return (host.associations[0].steps.find(s => s.action === 'aws:runShellScript') as RunShellScriptStep).script;
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
      healthCheck: { port: 9090, intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      deregistrationDelaySeconds: 60,
      targets: ['app1', 'app2'],
    });
  });

  test('the web server runs AWS-RunShellScript with the synthesized commands, the NLB\'s DNS name resolved to the local balancer', () => {
    const [web] = topology.hosts;
    const balancer = topology.balancers[0];
    expect(web.associations.map(a => [a.logicalId, a.documentName, a.steps.map(s => s.name)])).toEqual([
      ['WebServerProvisioningC974554E', 'AWS-RunShellScript', ['0.aws:runShellScript']],
    ]);
    expect(firstScript(web)).toMatch(/^#!\/bin\/bash\n/);
    expect(firstScript(web)).toContain(`BalancerMember "uwsgi://${balancer.availabilityZones[0]}.${balancer.dnsName}:9090"`);
    const executionTimeout = readStack(REFERENCE).template.Resources!.WebServerProvisioningC974554E.Properties!.Parameters.executionTimeout;
    expect((web.associations[0].steps[0] as RunShellScriptStep).timeoutSeconds).toBe(Number(executionTimeout[0]));
    // The regional name and each zone's node name reach the one balancer host.
    expect(balancer.availabilityZones).toEqual(['local-1a', 'local-1b']);
    expect(topology.hosts[0].hostsEntries).toEqual([balancer.dnsName, `local-1a.${balancer.dnsName}`, `local-1b.${balancer.dnsName}`]
      .map(name => ({ name, address: balancer.address })));
  });

  test('the Elastic IP publishes what the web server\'s security group opens to the Internet', () => {
    expect(topology.hosts.map(h => h.publishedPorts)).toEqual([[80], [], []]);
  });

  test('the app hosts run the fleet\'s own document: the playbook asset downloaded, then its script', () => {
    const [, app1, app2] = topology.hosts;
    expect(app2.associations).toEqual(app1.associations);
    const [download, run] = app1.associations[0].steps;
    expect(download).toMatchObject({
      action: 'aws:downloadContent',
      name: 'downloadPlaybook',
      destinationPath: '/var/lib/nlb-tiers/playbook.zip',
      asset: { path: expect.stringMatching(/asset\.[0-9a-f]{64}$/), packaging: 'zip' },
    });
    expect(run).toMatchObject({ action: 'aws:runShellScript', name: 'runPlaybook', timeoutSeconds: 2100 });
    expect((run as RunShellScriptStep).script).toContain("--extra-vars 'SSM=True' -v playbook.yml");
    expect((run as RunShellScriptStep).script).toContain("if [ 'True' != 'True' ]; then");
  });

  test('every host presents the image of its launch template or instance', () => {
    expect(topology.hosts.map(h => h.image.name)).toEqual(['Amazon Linux 2023', 'Amazon Linux 2023', 'Amazon Linux 2023']);
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
    expect(topology.hosts.filter(h => h.name.startsWith('app') && h.associations.length === 1)).toHaveLength(3);
    const [listener] = topology.balancers[0].listeners;
    expect(listener.port).toBe(9191);
    expect(listener.targetGroup.healthCheck).toMatchObject({ intervalSeconds: 15, healthyThreshold: 3, unhealthyThreshold: 4 });
    expect(topology.hosts[0].publishedPorts).toEqual([8080]);
    expect(firstScript(topology.hosts[0])).toContain('Listen 8080');
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
      t.Resources.Gateway = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'gateway' } };
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
      expect(e.message).toMatch(/Gateway \(AWS::ElasticLoadBalancingV2::LoadBalancer\): load balancer type "gateway"/);
      expect(e.message).toMatch(/preserves client IPs/);
    }
  });

  test('an association whose document the tool does not know is unsupported', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.WebServerProvisioningC974554E.Properties.Name = 'AWS-RunPowerShellScript';
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/SSM document AWS-RunPowerShellScript/);
  });

  test('a document with a step the tool cannot run is unsupported, named with its step', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.AppFleetProvisioningDocument61426BDF.Properties.Content.mainSteps[0].action = 'aws:runPowerShellScript';
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/step downloadPlaybook: action aws:runPowerShellScript is not run locally/);
  });

  test('an association parameter the document does not allow is unsupported, as SSM would refuse it', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.AppFleetProvisioningDBA744E0.Properties.Parameters.InstallAnsible = ['Maybe'];
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/parameter InstallAnsible is "Maybe", not one of True, False/);
  });

  test('an image other than Amazon Linux 2023 is unsupported', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.WebServer6E276FE3.Properties.ImageId = 'ami-0123456789abcdef0';
    });
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(/WebServer6E276FE3 \(AWS::EC2::Instance\): image "ami-0123456789abcdef0": the local hosts emulate Amazon Linux 2023 only/);
  });
});

describe('mapStack: association targets by tag', () => {
  const ASSOCIATION = 'WebServerProvisioningC974554E';

  test('a tag resolves to the hosts of the instance or group that puts it on its instances', () => {
    const topology = mapStack(readStack(REFERENCE));

    expect(topology.hosts.map(h => [h.name, h.associations.map(a => a.logicalId)])).toEqual([
      ['web1', [ASSOCIATION]],
      ['app1', ['AppFleetProvisioningDBA744E0']],
      ['app2', ['AppFleetProvisioningDBA744E0']],
    ]);
  });

  test('a group\'s tag that does not propagate at launch is on no instance', () => {
    const dir = editedFixture(REFERENCE, t => {
      for (const tag of t.Resources.AppFleetASG62DF6EAA.Properties.Tags) tag.PropagateAtLaunch = false;
    });

    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(
      /AppFleetProvisioningDBA744E0 \(AWS::SSM::Association\): the association targets the tag nlb-tiers:provisioning=NlbTiersReferenceArchitecture\/\S+, which no instance or Auto Scaling group of the stack puts on its instances/);
  });

  test('any tag an instance carries may be targeted', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources[ASSOCIATION].Properties.Targets = [{ Key: 'tag:Server', Values: ['ApacheWeb'] }];
    });

    const topology = mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack));

    expect(topology.hosts.find(h => h.name === 'web1')!.associations.map(a => a.logicalId)).toEqual([ASSOCIATION]);
  });
});
