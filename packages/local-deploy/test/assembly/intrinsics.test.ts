import { IntrinsicResolver } from '../../src/assembly/intrinsics';

const resolver = new IntrinsicResolver({
  region: 'local-1',
  accountId: '123456789012',
  stackName: 'Stack',
  ref: id => ({ Bucket: 'my-bucket', Param: 'value' } as Record<string, string>)[id],
  getAtt: (id, attribute) => (id === 'Nlb' && attribute === 'DNSName' ? 'nlb.local' : undefined),
  importValue: name => (name === 'Other:Url' ? 'http://203.0.113.10/' : undefined),
});

describe('IntrinsicResolver', () => {
  test.each([
    [{ Ref: 'Bucket' }, 'my-bucket'],
    [{ Ref: 'AWS::Region' }, 'local-1'],
    [{ 'Fn::GetAtt': ['Nlb', 'DNSName'] }, 'nlb.local'],
    [{ 'Fn::GetAtt': 'Nlb.DNSName' }, 'nlb.local'],
    [{ 'Fn::Join': ['', ['uwsgi://', { 'Fn::GetAtt': ['Nlb', 'DNSName'] }, ':9090/']] }, 'uwsgi://nlb.local:9090/'],
    [{ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }, 'local-1b'],
    [{ 'Fn::Sub': 'https://s3.${AWS::Region}.${AWS::URLSuffix}/${Bucket}/${!Literal}' }, 'https://s3.local-1.amazonaws.com/my-bucket/${Literal}'],
    [{ 'Fn::Sub': ['${Host}:${Nlb.DNSName}', { Host: { Ref: 'Param' } }] }, 'value:nlb.local'],
    [{ 'Fn::Split': [',', 'a,b'] }, ['a', 'b']],
    [{ 'Fn::ImportValue': 'Other:Url' }, 'http://203.0.113.10/'],
    [{ 'Fn::Base64': '#!/bin/bash' }, Buffer.from('#!/bin/bash').toString('base64')],
  ])('resolves %j', (input, expected) => {
    expect(resolver.resolve(input)).toEqual(expected);
  });

  test('resolves inside nested objects and arrays', () => {
    expect(resolver.resolve({ a: [{ Ref: 'Bucket' }, 1], b: { c: { Ref: 'Param' } } })).toEqual({ a: ['my-bucket', 1], b: { c: 'value' } });
  });

  test.each([
    [{ Ref: 'Missing' }, /Ref Missing has no local value/],
    [{ 'Fn::GetAtt': ['Nlb', 'Arn'] }, /Fn::GetAtt Nlb.Arn has no local value/],
    [{ 'Fn::If': ['Cond', 'a', 'b'] }, /Fn::If is not supported by the local resolver/],
    [{ 'Fn::ImportValue': 'Nobody:Exports' }, /Fn::ImportValue Nobody:Exports: no deployed stack exports it/],
  ])('names what it cannot resolve: %j', (input, message) => {
    expect(() => resolver.resolve(input)).toThrow(message);
  });
});
