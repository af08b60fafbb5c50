import { mapStack } from '../../src/model/map-stack';
import { ApacheService } from '../../src/model/topology';
import { apacheConfig } from '../../src/runtime/apache';
import { readStack, REFERENCE } from '../fixtures';

const [web] = mapStack(readStack(REFERENCE)).hosts;

describe('apacheConfig', () => {
  const service = web.services[0] as ApacheService;

  test('a private instance with the modules the proxy needs, and the association\'s file included', () => {
    const conf = apacheConfig('/run/x/httpd', service, web);
    for (const m of ['mpm_event', 'authz_core', 'proxy', 'proxy_uwsgi']) expect(conf).toContain(`LoadModule ${m}_module`);
    expect(conf).toContain('Listen 80');
    expect(conf).toContain('Include "/run/x/httpd/conf.d/*.conf"');
  });

  test('no second Listen 80 when the proxy configuration has one', () => {
    expect(apacheConfig('/d', { ...service, proxyConfig: 'Listen 80\n' }, web)).not.toContain('Listen 80');
  });
});
