import { App, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { dependencyPath, directDependencies, TemplateJson } from '../../src/private/template-graph';

/** A template of CfnResources whose properties refer to each other as given. */
function template(build: (stack: Stack) => void): TemplateJson {
  const stack = new Stack(new App(), 'Stack');
  build(stack);
  return Template.fromStack(stack).toJSON();
}

function resource(stack: Stack, id: string, properties: Record<string, unknown> = {}) {
  const r = new CfnResource(stack, id, { type: 'AWS::Test::Thing', properties });
  r.overrideLogicalId(id);
  return r;
}

describe('directDependencies', () => {
  test('finds Ref, Fn::GetAtt, Fn::Sub references anywhere in a definition, and DependsOn; not parameters or pseudo parameters', () => {
    const t = template(stack => {
      const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(id => resource(stack, id));
      const e = resource(stack, 'E', {
        Nested: [{ Value: a.ref }, { Value: b.getAtt('Arn') }],
        Text: Fn.sub('${C.Name}-${AWS::Region}-${!Literal}'),
        Stack: stack.stackName,
      });
      e.addDependency(d);
      void c;
    });

    expect([...directDependencies(t, 'E')].sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(directDependencies(t, 'A').size).toBe(0);
  });

  test('fails naming a resource that is not in the template', () => {
    expect(() => directDependencies({ Resources: {} }, 'Missing')).toThrow('the template has no resource Missing');
  });
});

describe('dependencyPath', () => {
  test('names the chain through which one resource waits for another, and nothing when it does not', () => {
    const t = template(stack => {
      const group = resource(stack, 'Group');
      const address = resource(stack, 'Address', { Instance: group.ref });
      const association = resource(stack, 'Association', { Targets: ['tag'] });
      association.addDependency(address);
      resource(stack, 'Independent', { Targets: ['tag'] });
    });

    expect(dependencyPath(t, 'Association', 'Group')).toEqual(['Association', 'Address', 'Group']);
    expect(dependencyPath(t, 'Independent', 'Group')).toBeUndefined();
    expect(dependencyPath(t, 'Group', 'Association')).toBeUndefined();
  });
});
