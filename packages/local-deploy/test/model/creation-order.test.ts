import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { ExitCode } from '../../src/errors';
import { creationOrder, SignalDeadlockError } from '../../src/model/creation-order';
import { mapStack } from '../../src/model/map-stack';
import { isoDurationSeconds } from '../../src/model/resource-signals';
import { editedFixture, readStack, REFERENCE } from '../fixtures';

const GROUP = 'AppFleetASG62DF6EAA';
const FLEET_ASSOCIATION = 'AppFleetProvisioningDBA744E0';
const WEB = 'WebServer6E276FE3';
const WEB_ASSOCIATION = 'WebServerProvisioningC974554E';

describe('creationOrder', () => {
  test('orders the reference architecture: each resource after what it refers to, a signalled one after the associations that provision it', () => {
    const { creationOrder: order } = mapStack(readStack(REFERENCE));
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));

    before('Vpc8378EB38', 'AppFleetSecurityGroup48C6C968');
    before(FLEET_ASSOCIATION, GROUP);
    before(WEB_ASSOCIATION, WEB);
    // The Elastic IP goes to the instance once it is complete, after its provisioning signalled.
    before(WEB, 'WebServerElasticIp17ACDE27');
  });

  test('fails on an association that targets the group by its name: the group waits for its signals, the association for the group', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources[FLEET_ASSOCIATION].Properties.Targets = [{ Key: 'tag:aws:autoscaling:groupName', Values: [{ Ref: GROUP }] }];
    });

    const map = () => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack));

    expect(map).toThrow(SignalDeadlockError);
    expect(map).toThrow(`A signal deadlock: ${GROUP} waits for the signals of its instances, which the runs of ${FLEET_ASSOCIATION} send, `
      + `and ${FLEET_ASSOCIATION} waits for ${GROUP} (a Ref of it). CloudFormation would wait until the CreationPolicy's timeout and roll the stack back.`);
    try {
      map();
    } catch (e) {
      expect((e as SignalDeadlockError).exitCode).toBe(ExitCode.DEPLOY_FAILED);
      expect((e as SignalDeadlockError).cycle).toEqual([GROUP, FLEET_ASSOCIATION, GROUP]);
    }
  });

  test('finds the cycle through other resources: an association that waits for the Elastic IP of the instance it provisions', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources[WEB_ASSOCIATION].DependsOn = [...t.Resources[WEB_ASSOCIATION].DependsOn, 'WebServerElasticIp17ACDE27'];
    });

    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(`A signal deadlock: ${WEB} waits for the signals of its instances, `
      + `which the runs of ${WEB_ASSOCIATION} send, and ${WEB_ASSOCIATION} waits for WebServerElasticIp17ACDE27 (DependsOn), `
      + `and WebServerElasticIp17ACDE27 waits for ${WEB} (a Ref of it).`);
  });

  test('without a CreationPolicy the same references are no deadlock: nothing waits for signals', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources[FLEET_ASSOCIATION].Properties.Targets = [{ Key: 'tag:aws:autoscaling:groupName', Values: [{ Ref: GROUP }] }];
      delete t.Resources[GROUP].CreationPolicy;
    });

    const topology = mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack));

    expect(topology.signals.map(s => s.logicalId)).toEqual([WEB]);
    expect(topology.creationOrder.indexOf(GROUP)).toBeLessThan(topology.creationOrder.indexOf(FLEET_ASSOCIATION));
  });

  test('references by Fn::GetAtt and Fn::Sub count as waits too', () => {
    const order = creationOrder({
      A: { Type: 'T' },
      B: { Type: 'T', Properties: { X: { 'Fn::GetAtt': ['A', 'Arn'] } } },
      C: { Type: 'T', Properties: { X: { 'Fn::Sub': '${B.Name}-${AWS::Region}' } } },
    }, new Map());

    expect(order).toEqual(['A', 'B', 'C']);
    expect(() => creationOrder({
      A: { Type: 'T', Properties: { X: { 'Fn::Sub': ['${C}', {}] } } },
      C: { Type: 'T' },
    }, new Map([['C', ['A']]]))).toThrow('A signal deadlock: A waits for C (a Fn::Sub of it), and C waits for the signals of its instances, which the runs of A send');
  });
});

describe('isoDurationSeconds', () => {
  test.each([['PT40M', 2400], ['PT1H30M', 5400], ['PT90S', 90], ['PT12H', 43200]])('%s is %i s', (value, seconds) => {
    expect(isoDurationSeconds(value)).toBe(seconds);
  });

  test.each([['40M', 'expected an ISO 8601 duration such as PT15M'], ['PT', 'expected an ISO 8601 duration'], ['PT13H', 'at most PT12H']])('fails on %s', (value, message) => {
    expect(() => isoDurationSeconds(value)).toThrow(message);
  });
});
