import * as fs from 'fs';
import * as path from 'path';
import { ExistingUwsgiTargetGroup } from '@nlb-tiers/core';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AppSecret, AppSecretSource, FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '../src';

function synth(props: (stack: Stack) => Partial<FlaskUwsgiAppFleetProps>) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const nlbGroup = new ec2.SecurityGroup(stack, 'NlbGroup', { vpc, allowAllOutbound: false });
  const targetGroup = new elbv2.NetworkTargetGroup(stack, 'Targets', { vpc, port: 9090, protocol: elbv2.Protocol.TCP });
  const loadBalancer = new ExistingUwsgiTargetGroup({ targetGroup, targetPort: 9090, loadBalancerSecurityGroups: [nlbGroup] });
  const fleet = new FlaskUwsgiAppFleet(stack, 'Fleet', { vpc, loadBalancer, ...props(stack) });
  return { app, stack, fleet, template: Template.fromStack(stack) };
}

/** Every statement of the fleet role's policies. */
function roleStatements(template: Template): Array<Record<string, any>> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
}

/** The AppSecrets parameter the association passes, resolved as far as the template allows. */
function appSecretsParameter(template: Template): unknown {
  const association = Object.values(template.findResources('AWS::SSM::Association'))[0];
  return association.Properties.Parameters.AppSecrets;
}

describe('AppSecret', () => {
  test('an SSM parameter is referenced by its name and region', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '111111111111' } });
    const secret = AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/db-password' }));
    expect([secret.source, secret.id, secret.region, secret.field]).toEqual([AppSecretSource.SSM_PARAMETER, '/app/db-password', 'eu-west-1', undefined]);
  });

  test('a Secrets Manager secret is referenced by its complete ARN where known, else by its name', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '111111111111' } });
    const arn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/api-AbCdEf';
    const byArn = AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, 'A', arn), 'token');
    const byName = AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'N', 'prod/api'));
    expect([byArn.source, byArn.id, byArn.region, byArn.field]).toEqual([AppSecretSource.SECRETS_MANAGER, arn, 'eu-west-1', 'token']);
    expect([byName.id, byName.field]).toEqual(['prod/api', undefined]);
  });
});

describe('FlaskUwsgiAppFleet environment and secrets', () => {
  test('the role may read exactly the named parameter and secret, and nothing else of SSM or Secrets Manager', () => {
    const { template } = synth(stack => ({
      secrets: {
        DB_PASSWORD: AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/db-password' })),
        API_TOKEN: AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'prod/api'), 'token'),
      },
    }));
    const statements = roleStatements(template).filter(s => JSON.stringify(s.Action).match(/ssm:Get|ssm:Describe|secretsmanager:/));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111111111111:parameter/app/db-password']] },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        // The name's ARN and the six characters Secrets Manager appends to it.
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:prod/api-??????']] },
      },
    ]);
    // No statement of the role names every parameter or secret.
    expect(JSON.stringify(roleStatements(template))).not.toMatch(/parameter\/\*|secret:\*/);
  });

  test('a parameter encrypted with a customer managed key: the role may decrypt with that key', () => {
    const { template, stack } = synth(s => {
      const key = new kms.Key(s, 'Key');
      return { secrets: { DB_PASSWORD: AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(s, 'P', { parameterName: 'db', encryptionKey: key })) } };
    });
    const keyId = stack.resolve((stack.node.findChild('Key') as kms.Key).keyArn);
    expect(roleStatements(template)).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyId });
  });

  test('a secret created in the stack is granted with its key, and referenced by its ARN', () => {
    const { template } = synth(s => ({ secrets: { API_TOKEN: AppSecret.fromSecretsManager(new secretsmanager.Secret(s, 'Secret', { encryptionKey: new kms.Key(s, 'Key') })) } }));
    expect(roleStatements(template)).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: expect.stringMatching(/^Secret/) } }));
    // A key of the same stack lets the role decrypt through its key policy, for Secrets Manager only.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'kms:Decrypt',
          Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetRole'), 'Arn'] } },
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
        })]),
      },
    });
    expect(JSON.stringify(appSecretsParameter(template))).toContain('"Ref":"Secret');
  });

  test('the association passes the references, names and ARNs only, and the grants exist before it runs', () => {
    const { template } = synth(stack => ({
      secrets: { DB_PASSWORD: AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/db-password' })) },
    }));
    expect(appSecretsParameter(template)).toEqual(['{"DB_PASSWORD":{"source":"ssm","id":"/app/db-password","region":"eu-west-1"}}']);
    const association = Object.values(template.findResources('AWS::SSM::Association'))[0];
    const policies = Object.keys(template.findResources('AWS::IAM::Policy'));
    expect(association.DependsOn).toEqual(expect.arrayContaining(policies));
    // The document declares the parameter, with a pattern the references match.
    const document = Object.values(template.findResources('AWS::SSM::Document'))[0];
    const declared = document.Properties.Content.parameters.AppSecrets;
    expect(new RegExp(declared.allowedPattern).test((appSecretsParameter(template) as string[])[0])).toBe(true);
    expect(declared.default).toBe('{}');
  });

  test('without secrets the association passes none, and the role reads no parameter or secret', () => {
    const { template } = synth(() => ({}));
    expect(appSecretsParameter(template)).toEqual(['{}']);
    expect(JSON.stringify(roleStatements(template))).not.toMatch(/ssm:GetParameter|secretsmanager:GetSecretValue/);
  });

  test('the template has no way to the values: no dynamic reference nor parameter that CloudFormation resolves; plain values are in the asset only', () => {
    const { app, fleet, template } = synth(stack => ({
      environment: { GREETING: 'hello', MODE: 'production' },
      secrets: {
        DB_PASSWORD: AppSecret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/db-password' })),
        API_TOKEN: AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'prod/api'), 'token'),
      },
    }));
    const assembly = app.synth();
    const staged = path.join(assembly.directory, fleet.playbookAsset.assetPath);
    expect(JSON.parse(fs.readFileSync(path.join(staged, 'files', 'environment.json'), 'utf-8'))).toEqual({ GREETING: 'hello', MODE: 'production' });
    // CloudFormation would put a value into a resource only through a dynamic reference
    // ({{resolve:ssm-secure:...}}, {{resolve:secretsmanager:...}}) or an SSM parameter type of a template parameter.
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/resolve:(ssm|secretsmanager)/);
    const parameterDefaults = Object.values(template.toJSON().Parameters ?? {}).map((p: any) => p.Default);
    expect(parameterDefaults.filter(d => /db-password|prod\/api/.test(d))).toEqual([]);
    expect(json).not.toMatch(/GREETING|production/);
  });

  test.each<[string, (stack: Stack) => Partial<FlaskUwsgiAppFleetProps>, RegExp]>([
    ['a name that is not a variable name', () => ({ environment: { 'MY-VAR': 'x' } }),
      /invalid environment name: got 'MY-VAR', expected an environment variable name: a letter or _, then letters, digits or _/],
    ['a name starting with a digit', () => ({ environment: { '1ST': 'x' } }), /invalid environment name: got '1ST'/],
    ['a name the service sets', () => ({ environment: { PATH: '/bin' } }),
      /invalid environment name: got 'PATH', expected a name the service does not set itself: not PATH, HOME, .* and not UWSGI_\* \(uWSGI reads those as its options\)/],
    ['a uWSGI option', () => ({ environment: { UWSGI_PROCESSES: '8' } }), /invalid environment name: got 'UWSGI_PROCESSES'/],
    ['a secret named as no variable can be', s => ({ secrets: { 'db.password': AppSecret.fromSsmParameter(ssm.StringParameter.fromStringParameterName(s, 'P', 'db')) } }),
      /invalid secrets name: got 'db.password', expected an environment variable name/],
    ['a value known only at deploy time', s => ({ environment: { BUCKET: new ssm.StringParameter(s, 'P', { stringValue: 'x' }).parameterName } }),
      /invalid environment\.BUCKET: got '\$\{Token\[.*\]\}', expected a value known at synthesis/],
    ['a NUL character', () => ({ environment: { A: 'a\0b' } }), /invalid environment\.A: .*expected a string without a NUL character/],
    ['one name in both', s => ({ environment: { DB: 'x' }, secrets: { DB: AppSecret.fromSsmParameter(ssm.StringParameter.fromStringParameterName(s, 'P', 'db')) } }),
      /invalid secrets: got 'DB', expected names that environment does not also set: a variable has one value/],
    ['a field with a quote', s => ({ secrets: { T: AppSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(s, 'S', 'x'), 'a"b') } }),
      /invalid secrets\.T\.field: got 'a"b', expected a JSON field name of 1-256 letters, digits and _.@\+=\/-/],
  ])('fails on %s, naming the construct, the prop and what is allowed', (_, props, message) => {
    expect(() => synth(props)).toThrow(/^FlaskUwsgiAppFleet at 'Stack\/Fleet': /);
    expect(() => synth(props)).toThrow(message);
  });
});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : e.isFile() ? [p] : [];
  });
}
