import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpsWebFleetStack, HttpsWebFleetStackProps } from '../src/https-web-fleet-stack';

const SITE: HttpsWebFleetStackProps = {
  env: { region: 'us-east-1' },
  zone: { hostedZoneId: 'Z0000000000000EXAMPLE', zoneName: 'example.com' },
  domainName: 'www.example.com',
};

function synth(props: Partial<HttpsWebFleetStackProps> = {}) {
  return Template.fromStack(new HttpsWebFleetStack(new App(), 'Site', { ...SITE, ...props }));
}

describe('HttpsWebFleetStack', () => {
  test('serves HTTPS with a certificate validated in the zone, redirects HTTP, and names the site with an alias record', () => {
    const template = synth();

    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'www.example.com',
      DomainValidationOptions: [{ DomainName: 'www.example.com', HostedZoneId: 'Z0000000000000EXAMPLE' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', StatusCode: 'HTTP_301' }) })],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.example.com.', Type: 'A' });
  });

  test('httpOnly: the same fleet with an HTTP listener that forwards, and no certificate or alias record', () => {
    const template = synth({ httpOnly: true });

    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    const listeners = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    const albListeners = listeners.filter(l => l.Properties.Protocol !== 'TCP');
    expect(albListeners.map(l => [l.Properties.Port, l.Properties.Protocol, l.Properties.DefaultActions[0].Type])).toEqual([[80, 'HTTP', 'forward']]);
    // The app tier is the same: the NLB's TCP listener on the uwsgi port.
    expect(listeners.filter(l => l.Properties.Protocol === 'TCP').map(l => l.Properties.Port)).toEqual([9090]);
  });
});
