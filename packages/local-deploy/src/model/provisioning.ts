import { StackArtifact, TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { readPlaybookAsset } from './app-fleet-provisioning';
import { PlacedHost } from './hosts';
import { References } from './references';
import { Service } from './topology';
import { UnsupportedResources } from './unsupported';
import { readWebServerScript } from './web-server-provisioning';

/** What the provisioning mapping needs from the rest of the stack. */
export interface ProvisioningContext {
  readonly stack: StackArtifact;
  readonly references: References;
  readonly unsupported: UnsupportedResources;
}

/** The associations of a stack, in template order. */
function associations(stack: StackArtifact): Array<[string, TemplateResource]> {
  return Object.entries(stack.template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::SSM::Association');
}

/** Names hosts after what their provisioning makes of them: web servers, app servers (others are plain VMs). */
export function hostRoles(context: ProvisioningContext): Map<string, string> {
  const roles = new Map<string, string>();
  for (const [id, r] of associations(context.stack)) {
    const document = documentKind(context.stack, r);
    const role = document === 'AWS-RunShellScript' ? 'web' : document === 'playbook' ? 'app' : undefined;
    if (!role) continue;
    for (const target of context.unsupported.guard(id, () => associationTargets(context.references, r)) ?? []) roles.set(target, role);
  }
  return roles;
}

/** The logical ids of the instances and Auto Scaling groups an association targets. */
export function associationTargets(references: References, association: TemplateResource): string[] {
  const targets: Array<{ Key: string; Values: string[] }> = references.resolver().resolve(association.Properties?.Targets ?? []);
  const out: string[] = [];
  for (const t of targets) {
    if (t.Key !== 'InstanceIds' && t.Key !== 'tag:aws:autoscaling:groupName') {
      throw new UnsupportedFeatureError(`association target key "${t.Key}": only InstanceIds and tag:aws:autoscaling:groupName are supported`);
    }
    for (const v of t.Values) {
      const id = references.logicalIdOf(v);
      if (!id) throw new UnsupportedFeatureError(`the association targets ${v}, which is not in the stack`);
      out.push(id);
    }
  }
  return out;
}

/** The services each host runs, by host name, from the associations that target it. */
export function mapProvisioning(context: ProvisioningContext, hosts: PlacedHost[]): Map<string, Service[]> {
  const services = new Map<string, Service[]>();
  for (const [id, r] of associations(context.stack)) {
    context.unsupported.guard(id, () => {
      const targets = new Set(associationTargets(context.references, r));
      const service = associationService(context, id, r);
      for (const h of hosts.filter(x => targets.has(x.logicalId))) services.set(h.name, [...services.get(h.name) ?? [], service]);
    });
  }
  return services;
}

/**
 * What an association runs: `AWS-RunShellScript`, or `playbook` for a Command document of the
 * stack that downloads a playbook archive and runs it (the app fleet's own document).
 */
function documentKind(stack: StackArtifact, r: TemplateResource): string | undefined {
  const name = r.Properties?.Name;
  if (typeof name === 'string') return name;
  const document = typeof name?.Ref === 'string' ? stack.template.Resources?.[name.Ref] : undefined;
  if (document?.Type !== 'AWS::SSM::Document') return undefined;
  const actions = (document.Properties?.Content?.mainSteps ?? []).map((step: { action: string }) => step.action);
  return actions.join(',') === 'aws:downloadContent,aws:runShellScript' ? 'playbook' : undefined;
}

function associationService(context: ProvisioningContext, id: string, r: TemplateResource): Service {
  const document = documentKind(context.stack, r);
  const params = context.references.resolver().resolve(r.Properties?.Parameters ?? {});
  if (document === 'AWS-RunShellScript') {
    const script = readWebServerScript(params.commands ?? []);
    if (!script) throw new UnsupportedFeatureError('a shell script that does not write an nlb-tiers proxy configuration: the local deploy cannot tell what it does');
    return {
      kind: 'apache',
      source: id,
      listenPort: script.listenPort,
      proxyConfig: script.proxyConfig,
      // The distribution's httpd unit has no Restart=.
      restart: { restart: 'no', restartSeconds: 0 },
    };
  }
  if (document === 'playbook') {
    const sourcePath: string = JSON.parse(params.SourceInfo[0]).path;
    const objectKey = sourcePath.split('/').pop()!;
    const asset = context.stack.assets.find(a => a.objectKeys.includes(objectKey));
    if (!asset) throw new UnsupportedFeatureError(`the playbook ${sourcePath} is not an asset of this assembly`);
    const fleet = readPlaybookAsset(asset.sourcePath, 'playbook.yml');
    if (Array.isArray(fleet)) throw new UnsupportedFeatureError(fleet.join('; '));
    return {
      kind: 'uwsgi',
      source: id,
      assetDir: fleet.assetDir,
      appSourceDir: fleet.appSourceDir,
      appDir: fleet.appDir,
      originalIni: fleet.uwsgiIni,
      port: fleet.port,
      restart: fleet.restart,
      killSignal: fleet.killSignal,
      pipPackages: fleet.pipPackages,
      debianPackages: fleet.debianPackages,
    };
  }
  const name = r.Properties?.Name;
  throw new UnsupportedFeatureError(`SSM document ${typeof name === 'string' ? name : JSON.stringify(name)}: only AWS-RunShellScript (web server) and the app fleet's playbook document are emulated`);
}
