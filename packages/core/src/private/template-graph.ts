/** A synthesized template, as `Template.toJSON()` or a cloud assembly gives it. */
export interface TemplateJson {
  readonly Resources?: Record<string, { readonly DependsOn?: string | string[]; readonly [key: string]: unknown }>;
}

/**
 * The resources one resource of a template waits for before CloudFormation creates it: those it
 * names in `Ref`, `Fn::GetAtt` and `Fn::Sub` (`${Id}`, `${Id.Attribute}`) anywhere in its
 * definition, and those of its `DependsOn`. Pseudo parameters and template parameters are not
 * resources and are left out.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
 */
export function directDependencies(template: TemplateJson, logicalId: string): Set<string> {
  const resources = template.Resources ?? {};
  const resource = resources[logicalId];
  if (!resource) throw new Error(`the template has no resource ${logicalId}`);
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') {found.add(inner);} else if (key === 'Fn::GetAtt') {found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);} else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? inner[0] : inner;
          for (const m of String(text).matchAll(/\$\{([^}!][^}.]*)(\.[^}]*)?\}/g)) found.add(m[1]);
        }
        visit(inner);
      }
    }
  };
  const { DependsOn: dependsOn, ...rest } = resource;
  visit(rest);
  for (const d of [dependsOn ?? []].flat()) found.add(d);
  return new Set([...found].filter(id => id in resources && id !== logicalId));
}

/**
 * The chain of resources through which `from` waits for `to` (`[from, ..., to]`), or `undefined`
 * when it does not: what a resource with a CreationPolicy must never be for the association whose
 * run signals it.
 */
export function dependencyPath(template: TemplateJson, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, '']]);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === to) {
      const chain = [id];
      while (previous.get(chain[0])) chain.unshift(previous.get(chain[0])!);
      return chain;
    }
    for (const next of directDependencies(template, id)) {
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return undefined;
}
