import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { IntrinsicResolver } from '../../src/assembly/intrinsics';
import { inlineFunctions, readDeployAssertions } from '../../src/checks/deploy-assertions';
import { rewriteUrls } from '../../src/checks/local-api-calls';
import { mapStack } from '../../src/model/map-stack';
import { HTTPS_WEB_FLEET, INTEG_REFERENCE } from '../fixtures';

const assembly = CloudAssembly.read(INTEG_REFERENCE.dir);
const topology = mapStack(assembly.stack(INTEG_REFERENCE.stack));
const assertionTemplate = assembly.stack(INTEG_REFERENCE.assertions).template;
const resolver = new IntrinsicResolver({
  region: topology.region,
  accountId: '123456789012',
  stackName: INTEG_REFERENCE.assertions,
  ref: id => id,
  getAtt: (id, attribute) => `${id}.${attribute}`,
  importValue: name => topology.exports[name],
});

describe('readDeployAssertions', () => {
  const assertions = readDeployAssertions(assertionTemplate, resolver);

  test('reads the assertions in the order the test chained them', () => {
    expect(assertions.map(a => a.kind === 'http' ? 'http' : `${a.service}.${a.api}`)).toEqual([
      'ElasticLoadBalancingV2.describeTargetHealth',
      'http',
      'Lambda.invoke',
    ]);
  });

  test('resolves Fn::ImportValue to the local deployment\'s values and decodes SDK parameters', () => {
    const [health, http] = assertions;
    expect(health.parameters.TargetGroupArn).toBe(topology.balancers[0].listeners[0].targetGroup.arn);
    expect(http.parameters.url).toBe(`http://${topology.hosts[0].elasticIp}/`);
    expect(health.expected).toEqual({ $ObjectLike: { TargetHealthDescriptions: [{ TargetHealth: { State: 'healthy' } }, { TargetHealth: { State: 'healthy' } }] } });
  });

  test('finds the inline function an invokeFunction assertion calls, with its environment resolved', () => {
    const invoke = assertions[2];
    const fn = inlineFunctions(assertionTemplate, resolver).find(f => f.logicalId === invoke.parameters.FunctionName);
    expect(fn?.code).toContain('async function handler');
    expect(fn?.environment).toEqual({ TARGET_URL: `http://${topology.hosts[0].elasticIp}/` });
    // Lambda takes the payload as bytes that must parse as JSON.
    expect(JSON.parse(String(invoke.parameters.Payload))).toEqual({ count: 20, timeoutMs: 5000 });
  });
});

describe('rewriteUrls', () => {
  test('URLs of a published Elastic IP and port point at 127.0.0.1; others stay', () => {
    const endpoints = [{ host: 'web1', elasticIp: '203.0.113.11', servedPort: 8080, port: 4000, url: 'http://127.0.0.1:4000/' }];
    expect(rewriteUrls({ url: 'http://203.0.113.11:8080/x', other: ['http://203.0.113.11/', 'http://198.51.100.1:8080/'] }, endpoints)).toEqual({
      url: 'http://127.0.0.1:4000/x',
      other: ['http://203.0.113.11/', 'http://198.51.100.1:8080/'],
    });
  });
});

describe('readDeployAssertions of a test whose httpApiCall names a host', () => {
  test('an HttpCall type with the host name appended is an httpApiCall, in its place in the chain', () => {
    const fleet = CloudAssembly.read(HTTPS_WEB_FLEET.dir);
    const fleetTopology = mapStack(fleet.stack(HTTPS_WEB_FLEET.stack));
    const template = fleet.stack(HTTPS_WEB_FLEET.assertions).template;
    expect(Object.values(template.Resources ?? {}).map(r => r.Type)).toContain('Custom::DeployAssert@HttpCallnlb-tiers-integexamplecom');
    const read = readDeployAssertions(template, new IntrinsicResolver({
      region: fleetTopology.region,
      accountId: '123456789012',
      stackName: HTTPS_WEB_FLEET.assertions,
      ref: id => id,
      getAtt: (id, attribute) => `${id}.${attribute}`,
      importValue: name => fleetTopology.exports[name],
    }));
    expect(read.map(a => a.kind === 'http' ? `http ${a.parameters.url}` : `${a.service}.${a.api}`)).toEqual([
      'ElasticLoadBalancingV2.describeTargetHealth',
      'http https://nlb-tiers-integ.example.com/',
      'Lambda.invoke',
      'Lambda.invoke',
    ]);
  });
});
