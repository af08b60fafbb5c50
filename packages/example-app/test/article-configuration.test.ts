import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ArticleConfigurationStack, articleUwsgiIni, withProxyConfig } from '../src/bench/article-configuration';

/** Configuration A of the benchmark, synthesized, with the folder of each asset by its object key. */
function synthArticle() {
  const app = new App();
  const stack = new ArticleConfigurationStack(app, 'BenchArticle');
  const assembly = app.synth();
  // A file asset's object key is `<hash>.zip`; its staged folder `asset.<hash>`.
  return { stack, template: Template.fromStack(stack), assetDir: (hash: string) => path.join(assembly.directory, `asset.${hash}`) };
}

function webCommands(template: Template): string {
  const association = Object.values(template.findResources('AWS::SSM::Association', { Properties: { Name: 'AWS-RunShellScript' } }))[0];
  return JSON.stringify(association.Properties.Parameters.commands);
}

describe('the benchmark\'s configuration A (the article\'s)', () => {
  const { stack, template, assetDir } = synthArticle();

  test('proxies with the article\'s two lines and Apache\'s defaults: no balancer, no retry=0', () => {
    const commands = webCommands(template);
    const nlb = stack.resolve(stack.tier.upstreamHost);

    expect(commands).toContain(JSON.stringify({ 'Fn::Join': ['', ['ProxyPass / uwsgi://', nlb, ':9090/']] }));
    expect(commands).toContain(JSON.stringify({ 'Fn::Join': ['', ['ProxyPassReverse / uwsgi://', nlb, ':9090/']] }));
    expect(commands).not.toMatch(/balancer:|retry=|BalancerMember/);
  });

  test('checks health 2/2 every 10 s, and drains for ELB\'s 300 s', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2,
    });
    expect(JSON.stringify(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))).toContain('"Key":"deregistration_delay.timeout_seconds","Value":"300"');
  });

  test('its app servers allow IMDSv1, which the article\'s run.py uses', () => {
    const templates = template.findResources('AWS::EC2::LaunchTemplate');
    const fleet = Object.entries(templates).find(([id]) => id.startsWith('AppFleet'))![1];
    expect(fleet.Properties.LaunchTemplateData.MetadataOptions.HttpTokens).toBe('optional');
  });

  test('the fleet\'s association downloads a playbook with the article\'s uwsgi.ini and run.py', () => {
    const association = Object.values(template.findResources('AWS::SSM::Association')).find(a => a.Properties.Name !== 'AWS-RunShellScript')!;
    const sourceInfo = JSON.stringify(association.Properties.Parameters.SourceInfo);
    const key = /([0-9a-f]{64})\.zip/.exec(sourceInfo)![1];
    const files = path.join(assetDir(key), 'files');

    const ini = fs.readFileSync(path.join(files, 'uwsgi.ini'), 'utf-8');
    expect(ini).toMatch(/^master = True$/m);
    expect(ini).not.toMatch(/^(processes|threads|listen|disable-logging)\b/m);
    expect(fs.readFileSync(path.join(files, 'app', 'run.py'), 'utf-8')).toBe(fs.readFileSync(path.join(__dirname, '..', 'bench', 'article', 'app', 'run.py'), 'utf-8'));
  });

});

describe('articleUwsgiIni', () => {
  test('moves the article\'s ini to the fleet\'s folder, user and virtualenv, and changes nothing else', () => {
    expect(articleUwsgiIni({ appDir: '/opt/app', venvDir: '/opt/venv', user: 'app' }).trim().split('\n')).toEqual([
      '[uwsgi]',
      'chdir = /opt/app',
      'virtualenv = /opt/venv',
      'socket = 0.0.0.0:9090',
      'file = /opt/app/run.py',
      'callable = app',
      'master = True',
      'uid = app',
      'gid = app',
    ]);
  });
});

describe('withProxyConfig', () => {
  test('replaces the lines of the proxy configuration heredoc, and only those', () => {
    const script = ['a', "cat > f <<'NLB_TIERS_PROXY_CONF'", 'old 1', 'old 2', 'NLB_TIERS_PROXY_CONF', 'b'];

    expect(withProxyConfig(script, ['new'])).toEqual(['a', "cat > f <<'NLB_TIERS_PROXY_CONF'", 'new', 'NLB_TIERS_PROXY_CONF', 'b']);
  });

  test('fails on a script without the heredoc', () => {
    expect(() => withProxyConfig(['echo hi'], ['new'])).toThrow(/no NLB_TIERS_PROXY_CONF heredoc/);
  });
});
