import { awsDocument, documentSteps, parameterValues, SsmDocument, substitute } from '../../src/model/ssm-documents';

const noAssets = () => undefined;

describe('awsDocument', () => {
  test('AWS-RunShellScript runs its commands in one shell step, with its timeout', () => {
    const document = awsDocument('AWS-RunShellScript')!;
    const parameters = parameterValues(document, { commands: ['#!/bin/bash', 'echo hi'], executionTimeout: ['600'] });
    expect(documentSteps(document, parameters, noAssets)).toEqual([
      { action: 'aws:runShellScript', name: '0.aws:runShellScript', script: '#!/bin/bash\necho hi', timeoutSeconds: 600, workingDirectory: '' },
    ]);
  });

  test('an AWS document the tool does not have is undefined', () => {
    expect(awsDocument('AWS-ApplyAnsiblePlaybooks')).toBeUndefined();
    expect(awsDocument('../../etc/passwd')).toBeUndefined();
  });
});

describe('parameterValues', () => {
  const document: SsmDocument = {
    schemaVersion: '2.2',
    parameters: {
      SourceInfo: { type: 'StringMap' },
      InstallAnsible: { type: 'String', allowedValues: ['True', 'False'], default: 'True' },
      ExtraVariables: { type: 'String', default: 'SSM=True', allowedPattern: '^[A-Za-z0-9_=. ]*$' },
    },
  };

  test('takes the association\'s values (lists of strings in CloudFormation), else the defaults', () => {
    expect(parameterValues(document, { SourceInfo: ['{"path":"https://s3/x.zip"}'], InstallAnsible: ['False'] })).toEqual({
      SourceInfo: { path: 'https://s3/x.zip' },
      InstallAnsible: 'False',
      ExtraVariables: 'SSM=True',
    });
  });

  test.each([
    [{ SourceInfo: ['{}'], InstallAnsible: ['Yes'] }, /parameter InstallAnsible is "Yes", not one of True, False/],
    [{ SourceInfo: ['{}'], ExtraVariables: ['a=$(id)'] }, /parameter ExtraVariables is "a=\$\(id\)", which does not match its allowedPattern/],
    [{}, /the document's parameter SourceInfo has no value and no default/],
    [{ SourceInfo: ['{}'], Playbook: ['x.yml'] }, /parameters Playbook are not parameters of the document/],
  ])('fails as SSM would on %j', (given, message) => {
    expect(() => parameterValues(document, given)).toThrow(message);
  });
});

describe('substitute', () => {
  const parameters = { commands: ['a', 'b'], InstallAnsible: 'True', SourceInfo: { path: 'p' } };

  test('a whole reference takes the value as it is; a reference in text its string form', () => {
    expect(substitute('{{ commands }}', parameters)).toEqual(['a', 'b']);
    expect(substitute('{{SourceInfo}}', parameters)).toEqual({ path: 'p' });
    expect(substitute(["if [ '{{ InstallAnsible }}' != 'True' ]"], parameters)).toEqual(["if [ 'True' != 'True' ]"]);
  });

  test('braces that name no parameter stay as they are', () => {
    expect(substitute('# {{ ... }} are the parameters; {{ Unknown }}', parameters)).toBe('# {{ ... }} are the parameters; {{ Unknown }}');
  });

  test('fails on Parameter Store references and on a list inside text', () => {
    expect(() => substitute('x {{ssm:/my/param}}', parameters)).toThrow(/Parameter Store references are not resolved locally/);
    expect(() => substitute('run {{ commands }}', parameters)).toThrow(/is a list or map and cannot be part of a text/);
  });
});

describe('documentSteps', () => {
  const asset = { path: '/cdk.out/asset.abc', packaging: 'zip' as const };

  test('schema 2.2: the steps in order, downloads from S3 mapped to the assembly\'s asset', () => {
    const document: SsmDocument = {
      schemaVersion: '2.2',
      parameters: { SourceInfo: { type: 'StringMap' }, TimeoutSeconds: { type: 'String', default: '60' } },
      mainSteps: [
        { action: 'aws:downloadContent', name: 'get', inputs: { sourceType: 'S3', sourceInfo: '{{ SourceInfo }}', destinationPath: '/var/lib/x.zip' } },
        { action: 'aws:runShellScript', name: 'run', inputs: { timeoutSeconds: '{{ TimeoutSeconds }}', runCommand: ['set -e', 'true'] } },
      ],
    };
    const parameters = parameterValues(document, { SourceInfo: ['{"path":"https://s3.local-1.amazonaws.com/bucket/abc.zip"}'] });
    expect(documentSteps(document, parameters, url => (url.endsWith('/abc.zip') ? asset : undefined))).toEqual([
      { action: 'aws:downloadContent', name: 'get', sourcePath: 'https://s3.local-1.amazonaws.com/bucket/abc.zip', asset, destinationPath: '/var/lib/x.zip' },
      { action: 'aws:runShellScript', name: 'run', script: 'set -e\ntrue', timeoutSeconds: 60, workingDirectory: '' },
    ]);
  });

  test.each([
    [{ action: 'aws:runDocument', name: 'nested', inputs: {} }, /step nested: action aws:runDocument is not run locally/],
    [{ action: 'aws:downloadContent', name: 'gh', inputs: { sourceType: 'GitHub', sourceInfo: {} } }, /step gh: sourceType GitHub: only S3/],
    [{ action: 'aws:downloadContent', name: 's3', inputs: { sourceType: 'S3', sourceInfo: { path: 'https://s3/bucket/other.zip' } } }, /is not an asset of this assembly/],
    [{ action: 'aws:runShellScript', name: 'slow', inputs: { runCommand: ['true'], timeoutSeconds: 'soon' } }, /timeoutSeconds "soon" is not a number of seconds/],
  ])('fails on a step it cannot run locally: %j', (step, message) => {
    expect(() => documentSteps({ schemaVersion: '2.2', mainSteps: [step] }, {}, noAssets)).toThrow(message);
  });
});
