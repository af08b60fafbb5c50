import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { mapStack, UnsupportedResourcesError } from '../../src/model/map-stack';
import { editedFixture, HTTPS_WEB_FLEET, readStack } from '../fixtures';

const ALB = 'WebFleetLoadBalancer56183EB6';
const HTTPS_LISTENER = 'WebFleetLoadBalancerHttps4B1CF3E4';
const HTTP_LISTENER = 'WebFleetLoadBalancerHttpF436D937';
const TARGET_GROUP = 'WebFleetTargetGroup017E00C6';
const RECORD = 'WebFleetAliasRecord465A37C1';

function mapEdited(edit: (t: any) => void) {
  return mapStack(CloudAssembly.read(editedFixture(HTTPS_WEB_FLEET, edit)).stack(HTTPS_WEB_FLEET.stack));
}

describe('an internet-facing Application Load Balancer', () => {
  const topology = mapStack(readStack(HTTPS_WEB_FLEET));
  const alb = topology.balancers.find(b => b.logicalId === ALB)!;

  test('is one balancer host in its first public subnet, with a public DNS name and an app ARN', () => {
    expect(alb).toMatchObject({ name: 'alb1', type: 'application', scheme: 'internet-facing' });
    expect(topology.subnets.find(s => s.logicalId === alb.subnet)!.isPublic).toBe(true);
    expect(alb.dnsName).not.toMatch(/^internal-/);
    expect(alb.arn).toMatch(/:loadbalancer\/app\//);
    // The NLB of the same stack keeps its own kind and name.
    expect(topology.balancers.find(b => b.logicalId === 'AppTier86AA572A')).toMatchObject({ name: 'nlb1', type: 'network', scheme: 'internal' });
  });

  test('its HTTPS listener forwards to the HTTP target group of the fleet, with the certificate and the policy\'s lowest TLS version', () => {
    expect(alb.listeners).toHaveLength(1);
    const [https] = alb.listeners;
    expect(https).toMatchObject({
      logicalId: HTTPS_LISTENER,
      port: 443,
      protocol: 'HTTPS',
      tls: { certificate: 'Certificate4E7ABB08', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', minimumTlsVersion: '1.2' },
    });
    expect(https.targetGroup).toMatchObject({
      logicalId: TARGET_GROUP,
      protocol: 'HTTP',
      port: 80,
      preserveClientIp: false,
      deregistrationDelaySeconds: 60,
      targets: ['web1', 'web2'],
      healthCheck: {
        protocol: 'HTTP',
        path: '/nlb-tiers-health',
        matcher: '200',
        port: 80,
        intervalSeconds: 10,
        timeoutSeconds: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        initialHealthyThreshold: 1,
      },
    });
  });

  test('its HTTP listener redirects to HTTPS on 443 with 301, keeping host, path and query', () => {
    expect(alb.redirects).toEqual([{
      logicalId: HTTP_LISTENER,
      port: 80,
      protocol: 'HTTP',
      redirect: { protocol: 'HTTPS', host: '#{host}', port: '443', path: '/#{path}', query: '#{query}', statusCode: 301 },
    }]);
  });

  test('the alias record\'s name resolves to the balancer on every host', () => {
    expect(alb.aliases).toEqual(['nlb-tiers-integ.example.com']);
    for (const h of topology.hosts) {
      expect(h.hostsEntries).toContainEqual({ name: 'nlb-tiers-integ.example.com', address: alb.address });
      expect(h.hostsEntries).toContainEqual({ name: alb.dnsName, address: alb.address });
    }
  });

  test('the ACM certificate has a local ARN, for its domain name', () => {
    expect(topology.certificates).toEqual([{
      logicalId: 'Certificate4E7ABB08',
      arn: expect.stringMatching(/^arn:aws:acm:local-1:123456789012:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      domainNames: ['nlb-tiers-integ.example.com'],
    }]);
  });

  test('health check settings the template leaves out take the ALB defaults; no SslPolicy means ELBSecurityPolicy-2016-08 (TLS 1.0)', () => {
    const t = mapEdited(template => {
      const tg = template.Resources[TARGET_GROUP].Properties;
      for (const k of ['HealthCheckPath', 'Matcher', 'HealthCheckIntervalSeconds', 'HealthCheckTimeoutSeconds', 'HealthyThresholdCount', 'UnhealthyThresholdCount']) delete tg[k];
      delete template.Resources[HTTPS_LISTENER].Properties.SslPolicy;
    });
    const [https] = t.balancers.find(b => b.logicalId === ALB)!.listeners;
    expect(https.targetGroup.healthCheck).toMatchObject({ path: '/', matcher: '200', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, initialHealthyThreshold: 1 });
    expect(https.tls).toMatchObject({ sslPolicy: 'ELBSecurityPolicy-2016-08', minimumTlsVersion: '1.0' });
  });

  test.each([
    ['ELBSecurityPolicy-TLS13-1-3-2021-06', '1.3'],
    ['ELBSecurityPolicy-TLS-1-1-2017-01', '1.1'],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', '1.2'],
  ])('the security policy %s accepts TLS %s and later', (policy, minimum) => {
    const t = mapEdited(template => { template.Resources[HTTPS_LISTENER].Properties.SslPolicy = policy; });
    expect(t.balancers.find(b => b.logicalId === ALB)!.listeners[0].tls!.minimumTlsVersion).toBe(minimum);
  });

  test.each([
    ['an unknown security policy', (t: any) => { t.Resources[HTTPS_LISTENER].Properties.SslPolicy = 'MyPolicy'; }, /security policy MyPolicy: the emulated ones are/],
    ['a gRPC matcher', (t: any) => { t.Resources[TARGET_GROUP].Properties.Matcher = { GrpcCode: '0' }; }, /matches gRPC codes/],
    ['a malformed matcher', (t: any) => { t.Resources[TARGET_GROUP].Properties.Matcher = { HttpCode: 'ok' }; }, /matcher "ok": HTTP codes such as 200/],
    ['a TCP listener', (t: any) => { t.Resources[HTTP_LISTENER].Properties.Protocol = 'TCP'; }, /uses TCP: only HTTP and HTTPS listeners of an application load balancer/],
    ['a fixed-response action', (t: any) => { t.Resources[HTTP_LISTENER].Properties.DefaultActions = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]; }, /default actions fixed-response: only one forward action or one redirect/],
    ['a 307 redirect', (t: any) => { t.Resources[HTTP_LISTENER].Properties.DefaultActions[0].RedirectConfig.StatusCode = 'HTTP_307'; }, /redirects with status HTTP_307: HTTP_301 or HTTP_302/],
    ['HTTPS health checks', (t: any) => { t.Resources[TARGET_GROUP].Properties.HealthCheckProtocol = 'HTTPS'; }, /checks health with HTTPS: only HTTP health checks/],
    ['a certificate from outside the stack', (t: any) => { t.Resources[HTTPS_LISTENER].Properties.Certificates = [{ CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/x' }]; }, /1 certificate\(s\): exactly one, an AWS::CertificateManager::Certificate of the stack/],
    ['a record that is no alias of a balancer', (t: any) => { t.Resources[RECORD].Properties = { HostedZoneId: 'Z1', Name: 'x.example.com.', Type: 'CNAME', TTL: '60', ResourceRecords: ['example.org'] }; }, /WebFleetAliasRecord465A37C1 \(AWS::Route53::RecordSet\): a CNAME record: only A and AAAA alias records/],
  ])('fails on %s, naming it and what is allowed', (_what, edit, message) => {
    expect(() => mapEdited(edit)).toThrow(UnsupportedResourcesError);
    expect(() => mapEdited(edit)).toThrow(message);
  });
});
