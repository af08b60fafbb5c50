/**
 * The TypeScript examples of a Markdown file (```ts blocks), and the CDK apps the local deploy's
 * end-to-end tests deploy from them: each example as written, plus, where the example stands on
 * something "defined elsewhere" that no request could pass through, the least that makes a request
 * succeed. The example's own code is never changed, so a broken example fails the deployment.
 */

/** Each ```ts (or ```typescript) block of a Markdown text, in order. */
export function typescriptBlocks(markdown) {
  return [...markdown.matchAll(/^```(?:ts|typescript)\b[^\n]*\n([\s\S]*?)^```/gm)].map(m => m[1]);
}

/** The id of the one stack an example creates (`new Stack(app, 'Name')`). */
export function stackName(code) {
  const names = [...code.matchAll(/new Stack\(\s*app\s*,\s*'([^']+)'/g)].map(m => m[1]);
  if (names.length !== 1) {
    throw new Error(`a README example must create exactly one stack with new Stack(app, '<name>'); this one creates ${names.length}:\n${code}`);
  }
  return names[0];
}

/**
 * What a request needs besides an example, by its stack: code appended to the example's module,
 * which sees its variables. Only the request's path is added: the example's constructs are used as
 * they are.
 */
export const COMPLETIONS = {
  // The fleet registers with a load balancer that has no client: put a web server in front of it.
  FleetOnly: [
    "import { ApacheUwsgiWebServer } from '@nlb-tiers/apache-uwsgi-web-server';",
    "import { UwsgiEndpoint } from '@nlb-tiers/core';",
    'new ApacheUwsgiWebServer(stack, \'WebServer\', {',
    '  vpc,',
    '  upstream: new UwsgiEndpoint({ host: nlb.loadBalancerDnsName, port: 9090, securityGroups: [nlbSecurityGroup] }),',
    '});',
  ].join('\n'),
  // The web server proxies to a load balancer with no listener: give it one, and a fleet behind it.
  WebOnly: [
    "import { ExistingUwsgiTargetGroup } from '@nlb-tiers/core';",
    "import { FlaskUwsgiAppFleet } from '@nlb-tiers/flask-uwsgi-app-fleet';",
    'const serviceTargets = new elbv2.NetworkTargetGroup(stack, \'UwsgiServiceTargets\', {',
    '  vpc, port: 3031, protocol: elbv2.Protocol.TCP, targetType: elbv2.TargetType.INSTANCE, preserveClientIp: false,',
    '});',
    "uwsgiService.addListener('Uwsgi', { port: 3031, defaultTargetGroups: [serviceTargets] });",
    'new FlaskUwsgiAppFleet(stack, \'AppFleet\', {',
    '  vpc,',
    '  loadBalancer: new ExistingUwsgiTargetGroup({ targetGroup: serviceTargets, targetPort: 3031, loadBalancerSecurityGroups: [uwsgiServiceSecurityGroup] }),',
    '});',
  ].join('\n'),
};

/**
 * The CDK apps of a Markdown text's examples: `{ stack, code }`, the code being the example and
 * its completion, if any. A completion whose example is gone is an error, so none goes stale.
 */
export function readmeApps(markdown, completions = COMPLETIONS) {
  const apps = typescriptBlocks(markdown).map(code => {
    const stack = stackName(code);
    const completion = completions[stack];
    return { stack, code: completion ? `${code}\n// What a request needs besides the example:\n${completion}\n` : code };
  });
  const stale = Object.keys(completions).filter(s => !apps.some(a => a.stack === s));
  if (stale.length > 0) throw new Error(`completions for README examples that do not exist: ${stale.join(', ')}`);
  const names = apps.map(a => a.stack);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw new Error(`README examples with the same stack name: ${twice.join(', ')}`);
  return apps;
}

/** The fixture folder of a README example's app. */
export function readmeFixtureName(stack) {
  return `readme.${stack}`;
}
