import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ReferenceArchitectureStack } from '../src/reference-architecture-stack';

describe('cdk-nag AwsSolutions over the reference architecture', () => {
  const app = new App();
  const stack = new ReferenceArchitectureStack(app, 'Reference');
  app.synth();
  // validateScope() walks the construct tree itself; the plugin form needs a newer CDK core.
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  const findings = report.violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}: ${v.description.split('\n')[0]}`));

  test('would report a resource that breaks a rule', () => {
    const other = new Stack(new App(), 'Other');
    new s3.Bucket(other, 'Plain');
    const rules = new AwsSolutionsChecks(other).validateScope(other).violations.map(v => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  test('finds nothing that is not acknowledged with a reason', () => {
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});
