import { spawnSync } from 'child_process';
import { FlaskApplication } from '../src';
// Debian's and Amazon Linux's python3 with Flask; the uwsgi plugins use the same interpreter.
const PYTHON = '/usr/bin/python3';
const hasFlask = spawnSync(PYTHON, ['-c', 'import flask'], { encoding: 'utf-8' }).status === 0;
// A green build must mean these tests ran: under CI, Flask missing fails them (the root build's
// preflight installs it); elsewhere they are skipped, saying so.
const UNDER_CI = process.env.CI !== undefined && !['', 'false', '0'].includes(process.env.CI);
const NEEDS = `${PYTHON} with Flask (Debian package python3-flask)`;
if (!hasFlask && UNDER_CI) throw new Error(`The default app's tests need ${NEEDS}; under CI a suite that cannot run fails rather than skips.`);
// eslint-disable-next-line no-console
if (!hasFlask) console.log(`Skipping the default app's tests: they need ${NEEDS}.`);

/**
 * Serves `/` of the default app several times through Flask's test client, with the metadata
 * service replaced by a stand-in that records each call; `failFirst` makes its first call fail.
 */
function serve(requests: number, failFirst = false, version?: string): { statuses: number[]; bodies: string[]; calls: string[] } {
  const appDir = FlaskApplication.instanceIdEcho(version === undefined ? {} : { version }).directory;
  const script = `
import json, sys, urllib.error, urllib.request
sys.path.insert(0, ${JSON.stringify(appDir)})
calls = []
class Response:
    def __init__(self, body): self.body = body
    def read(self): return self.body.encode()
    def __enter__(self): return self
    def __exit__(self, *a): return False
def urlopen(request, timeout=None):
    calls.append(f"{request.get_method()} {request.full_url} token={request.get_header('X-aws-ec2-metadata-token')}")
    if ${failFirst ? 'True' : 'False'} and len(calls) == 1:
        raise urllib.error.URLError('metadata service unreachable')
    if request.full_url.endswith('/api/token'):
        assert request.get_header('X-aws-ec2-metadata-token-ttl-seconds'), 'token request without a TTL'
        return Response('t0k3n')
    return Response('i-0123456789abcdef0')
urllib.request.urlopen = urlopen
import run
client = run.app.test_client()
results = [client.get('/') for _ in range(${requests})]
print(json.dumps({'statuses': [r.status_code for r in results], 'bodies': [r.get_data(as_text=True) for r in results], 'calls': calls}))
`;
  const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

(hasFlask ? describe : describe.skip)('the default app', () => {
  test('answers with the instance id and version 1, the id read once with the IMDSv2 token flow and then from memory', () => {
    const { statuses, bodies, calls } = serve(5);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(bodies).toEqual(Array(5).fill('i-0123456789abcdef0 version 1'));
    expect(calls).toEqual([
      'PUT http://169.254.169.254/latest/api/token token=None',
      'GET http://169.254.169.254/latest/meta-data/instance-id token=t0k3n',
    ]);
  });

  test('a metadata failure fails that request only: the next one reads the id again', () => {
    const { statuses, bodies, calls } = serve(3, true);

    expect(statuses).toEqual([500, 200, 200]);
    expect(bodies.slice(1)).toEqual(['i-0123456789abcdef0 version 1', 'i-0123456789abcdef0 version 1']);
    expect(calls).toHaveLength(3);
  });

  test('answers with the version it was given', () => {
    expect(serve(1, false, '2.0-rc1').bodies).toEqual(['i-0123456789abcdef0 version 2.0-rc1']);
  });
});

describe('FlaskApplication.instanceIdEcho', () => {
  test('two versions are two apps, one version one app', () => {
    const one = FlaskApplication.instanceIdEcho({ version: '1' }).directory;
    expect(FlaskApplication.instanceIdEcho().directory).toBe(one);
    expect(FlaskApplication.instanceIdEcho({ version: '2' }).directory).not.toBe(one);
  });

  test.each(['', 'two words', '-1', 'x'.repeat(65)])('fails on version %j, naming what it takes', version => {
    expect(() => FlaskApplication.instanceIdEcho({ version })).toThrow(
      `FlaskApplication.instanceIdEcho: invalid version: got '${version}', expected 1 to 64 letters, digits and ._+- starting with a letter or digit`);
  });
});
