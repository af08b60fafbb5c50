import { TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { References } from './references';
import { Balancer } from './topology';
import { UnsupportedResources } from './unsupported';

/**
 * The balancers with the names of the stack's Route 53 alias records that point at them: an `A`
 * or `AAAA` alias whose target is a balancer's DNS name, with or without the `dualstack.` prefix the
 * CDK writes (DNS names compare without case). The hosts (and the tool) resolve those names to the balancer. Other records have no
 * local equivalent.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
 */
export function withAliasRecords(resources: Record<string, TemplateResource>, references: References, balancers: Balancer[],
  unsupported: UnsupportedResources): Balancer[] {
  const aliases = new Map<string, string[]>(balancers.map(b => [b.logicalId, []]));
  const resolver = references.resolver();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Route53::RecordSet') continue;
    unsupported.guard(id, () => {
      const p = resolver.resolve(r.Properties ?? {});
      const target = p.AliasTarget?.DNSName === undefined ? undefined : withoutDot(String(p.AliasTarget.DNSName)).replace(/^dualstack\./, '');
      const balancer = balancers.find(b => b.dnsName.toLowerCase() === target);
      if (!balancer || !['A', 'AAAA'].includes(p.Type)) {
        throw new UnsupportedFeatureError(`a ${p.Type} record${target ? ` aliasing ${target}` : ''}: only A and AAAA alias records of a load balancer of the stack are emulated`);
      }
      aliases.get(balancer.logicalId)!.push(withoutDot(String(p.Name)));
    });
  }
  return balancers.map(b => ({ ...b, aliases: [...new Set([...b.aliases, ...aliases.get(b.logicalId)!])] }));
}

/** A DNS name without the trailing dot of a fully qualified one. */
function withoutDot(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}
