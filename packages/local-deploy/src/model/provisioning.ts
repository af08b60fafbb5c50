import { StackArtifact, TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { References } from './references';
import { awsDocument, documentSteps, parameterValues, SsmDocument } from './ssm-documents';
import { Association } from './topology';
import { UnsupportedResources } from './unsupported';

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

/**
 * Names hosts after what provisions them: the shell script of `AWS-RunShellScript` makes the
 * web servers here, a document of the stack's own the app servers; the rest are plain VMs.
 */
export function hostRoles(context: ProvisioningContext): Map<string, string> {
  const roles = new Map<string, string>();
  for (const [id, r] of associations(context.stack)) {
    const role = r.Properties?.Name === 'AWS-RunShellScript' ? 'web' : 'app';
    for (const target of targetsOf(context, id, r)) roles.set(target, role);
  }
  return roles;
}

/**
 * The logical ids of the instances and Auto Scaling groups an association targets: by instance id,
 * by the `aws:autoscaling:groupName` tag Auto Scaling puts on a group's instances, or by any other
 * tag, which an instance carries in its `Tags` and a group's instances carry when the group's tag
 * has `PropagateAtLaunch`.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-autoscaling-autoscalinggroup-tagproperty.html
 */
export function associationTargets(references: References, association: TemplateResource, resources: Record<string, TemplateResource>): string[] {
  const resolver = references.resolver();
  const targets: Array<{ Key: string; Values: string[] }> = resolver.resolve(association.Properties?.Targets ?? []);
  const out: string[] = [];
  for (const t of targets) {
    if (t.Key === 'InstanceIds' || t.Key === 'tag:aws:autoscaling:groupName') {
      for (const v of t.Values) {
        const id = references.logicalIdOf(v);
        if (!id) throw new UnsupportedFeatureError(`the association targets ${v}, which is not in the stack`);
        out.push(id);
      }
    } else if (t.Key.startsWith('tag:')) {
      const key = t.Key.slice('tag:'.length);
      const tagged = Object.entries(resources).filter(([, r]) => instanceTags(r, resolver.resolve(r.Properties?.Tags ?? []))
        .some(tag => tag.Key === key && t.Values.includes(tag.Value)));
      if (tagged.length === 0) {
        throw new UnsupportedFeatureError(`the association targets the tag ${key}=${t.Values.join(',')}, which no instance or Auto Scaling group of the stack puts on its instances`);
      }
      out.push(...tagged.map(([id]) => id));
    } else {
      throw new UnsupportedFeatureError(`association target key "${t.Key}": only InstanceIds and tag:<key> (such as tag:aws:autoscaling:groupName) are supported`);
    }
  }
  return out;
}

/** An association's targets; a target the tool cannot resolve is recorded as unsupported, and the association targets nothing. */
function targetsOf(context: ProvisioningContext, id: string, association: TemplateResource): string[] {
  return context.unsupported.guard(id, () => associationTargets(context.references, association, context.stack.template.Resources ?? {})) ?? [];
}

/** The tags a resource puts on its instances: an instance's own, a group's that propagate at launch. */
function instanceTags(resource: TemplateResource, tags: Array<{ Key: string; Value: string; PropagateAtLaunch?: unknown }>) {
  if (resource.Type === 'AWS::EC2::Instance') return tags;
  if (resource.Type === 'AWS::AutoScaling::AutoScalingGroup') return tags.filter(t => String(t.PropagateAtLaunch) === 'true');
  return [];
}

/**
 * The associations each instance or Auto Scaling group runs on its instances, by its logical id, in
 * template order: the document (one of the stack's `AWS::SSM::Document`s, or an AWS document the
 * tool has), its parameters as SSM resolves them, and the steps it runs. Nothing here reads what
 * the steps do: they run on the host. State Manager applies an association to every instance that
 * matches its targets, also one launched later (a group's replacement or scale-out).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-asg.html
 */
export function mapProvisioning(context: ProvisioningContext): Map<string, Association[]> {
  const byTarget = new Map<string, Association[]>();
  for (const [id, r] of associations(context.stack)) {
    context.unsupported.guard(id, () => {
      const targets = new Set(associationTargets(context.references, r, context.stack.template.Resources ?? {}));
      const association = mapAssociation(context, id, r);
      for (const target of targets) byTarget.set(target, [...byTarget.get(target) ?? [], association]);
    });
  }
  return byTarget;
}

/** The associations that provision each instance or Auto Scaling group, by its logical id, in template order. */
export function associationsByTarget(context: ProvisioningContext): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const [id, r] of associations(context.stack)) {
    for (const target of targetsOf(context, id, r)) byTarget.set(target, [...byTarget.get(target) ?? [], id]);
  }
  return byTarget;
}

function mapAssociation(context: ProvisioningContext, id: string, r: TemplateResource): Association {
  const resolver = context.references.resolver();
  const name = resolver.resolveString(r.Properties?.Name);
  const document = findDocument(context, name);
  const parameters = parameterValues(document, resolver.resolve(r.Properties?.Parameters ?? {}));
  const steps = documentSteps(document, parameters, url => {
    const asset = context.stack.assets.find(a => a.objectKeys.some(key => url.endsWith(`/${key}`)));
    return asset && { path: asset.sourcePath, packaging: asset.packaging === 'zip' ? 'zip' : 'file' };
  });
  const rateControls = resolver.resolve({ maxConcurrency: r.Properties?.MaxConcurrency, maxErrors: r.Properties?.MaxErrors });
  return {
    logicalId: id,
    documentName: name,
    steps,
    ...(rateControls.maxConcurrency !== undefined ? { maxConcurrency: String(rateControls.maxConcurrency) } : {}),
    ...(rateControls.maxErrors !== undefined ? { maxErrors: String(rateControls.maxErrors) } : {}),
  };
}

/** A document of the stack (by the name its `Ref` gives), else an AWS document the tool has. */
function findDocument(context: ProvisioningContext, name: string): SsmDocument {
  const resources = context.stack.template.Resources ?? {};
  const own = Object.keys(resources).find(id => resources[id].Type === 'AWS::SSM::Document' && context.references.ref(id) === name);
  if (own) {
    const p = resources[own].Properties ?? {};
    if ((p.DocumentType ?? 'Command') !== 'Command') throw new UnsupportedFeatureError(`document ${own} is a ${p.DocumentType} document: only Command documents run on instances`);
    if ((p.DocumentFormat ?? 'JSON') !== 'JSON') throw new UnsupportedFeatureError(`document ${own} is written in ${p.DocumentFormat}: the local deploy reads JSON documents`);
    const content = context.references.resolver().resolve(p.Content);
    return typeof content === 'string' ? JSON.parse(content) : content;
  }
  const aws = awsDocument(name);
  if (!aws) {
    throw new UnsupportedFeatureError(`SSM document ${name}: neither a document of this stack nor an AWS document the local deploy has (AWS-RunShellScript)`);
  }
  return aws;
}
