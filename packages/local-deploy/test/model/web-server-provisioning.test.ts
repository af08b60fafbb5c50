import { listenPorts, readWebServerScript } from '../../src/model/web-server-provisioning';

describe('readWebServerScript', () => {
  const script = [
    'yum install -y httpd',
    'cat > "$new_conf" <<\'NLB_TIERS_PROXY_CONF\'',
    'Listen 8080',
    'ProxyPass "/" "uwsgi://nlb.local:9191/"',
    'NLB_TIERS_PROXY_CONF',
    'httpd -t',
  ];

  test('takes the heredoc verbatim, its Listen port and the packages', () => {
    expect(readWebServerScript(script)).toEqual({
      proxyConfig: 'Listen 8080\nProxyPass "/" "uwsgi://nlb.local:9191/"\n',
      listenPort: 8080,
      debianPackages: ['apache2-bin'],
    });
  });

  test('without Listen, the site is on the distribution\'s port 80', () => {
    expect(readWebServerScript(script.filter(l => !l.startsWith('Listen')))!.listenPort).toBe(80);
    expect(listenPorts('Listen 10.0.0.1:81\n# Listen 82\nListen 83')).toEqual([81, 83]);
  });

  test('a script without the proxy configuration is not recognized', () => {
    expect(readWebServerScript(['#!/bin/bash', 'echo hi'])).toBeUndefined();
  });
});
