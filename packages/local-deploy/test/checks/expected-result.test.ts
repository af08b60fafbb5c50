import { ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { expectedMatcher, mismatch } from '../../src/checks/expected-result';

/** An expected result as the assertion's template carries it: serialized by integ-tests-alpha, then parsed. */
const encoded = (e: ExpectedResult): unknown => JSON.parse(e.result);

describe('expected results of integ assertions', () => {
  test('objectLike matches partially, and nested literal objects too', () => {
    const expected = encoded(ExpectedResult.objectLike({ status: 200, body: { app: 'x' } }));
    expect(mismatch(expected, { status: 200, ok: true, body: { app: 'x', extra: 1 } })).toBeUndefined();
    expect(mismatch(expected, { status: 500, body: { app: 'x' } })).toMatch(/!! Expected 200 but received 500/);
  });

  test('a literal array inside objectLike is matched element by element', () => {
    const expected = encoded(ExpectedResult.objectLike({ T: [{ S: 'healthy' }, { S: 'healthy' }] }));
    expect(mismatch(expected, { T: [{ S: 'healthy', Id: 'a' }, { S: 'healthy', Id: 'b' }] })).toBeUndefined();
    expect(mismatch(expected, { T: [{ S: 'healthy' }] })).toMatch(/!! +Not enough elements in array \(expecting 2, got 1\)/);
    const diff = mismatch(expected, { T: [{ S: 'healthy' }, { S: 'initial', Id: 'b' }] })!;
    // The diff shows where: the second element, its S.
    expect(diff).toMatch(/"Id": "b",\n!! +Expected healthy but received initial\n\s*"S": "initial"/);
  });

  test('Match.stringLikeRegexp, arrayWith and serializedJson nested at any depth', () => {
    const expected = encoded(ExpectedResult.objectLike({
      ids: Match.arrayWith([Match.stringLikeRegexp('^i-[0-9a-f]{8,17}$')]),
      body: Match.serializedJson(Match.objectLike({ ok: 20 })),
    }));
    expect(mismatch(expected, { ids: ['x', 'i-0123456789abcdef0'], body: '{"ok":20,"requests":20}' })).toBeUndefined();
    expect(mismatch(expected, { ids: ['x'], body: '{"ok":20}' })).toMatch(/Could not match arrayWith pattern 0/);
    expect(mismatch(expected, { ids: ['i-01234567'], body: '{"ok":19}' })).toMatch(/!! Encoded JSON value does not match[^]*!! {3}Expected 20 but received 19/);
    expect(mismatch(expected, { ids: ['i-01234567'], body: 'not json' })).toMatch(/Invalid JSON string: not json/);
  });

  test('ExpectedResult.arrayWith at the top', () => {
    const expected = encoded(ExpectedResult.arrayWith([{ id: 'a' }]));
    expect(mismatch(expected, [{ id: 'b' }, { id: 'a' }])).toBeUndefined();
    expect(mismatch(expected, [{ id: 'b' }])).toMatch(/!! Could not match arrayWith pattern 0/);
  });

  test('a pattern that is no matcher is matched exactly', () => {
    expect(mismatch({ a: 1 }, { a: 1 })).toBeUndefined();
    expect(mismatch({ a: 1 }, { a: 1, b: 2 })).toMatch(/!! Unexpected key b/);
  });

  test('ExpectedResult.exact is compared literally, as the assertion handler does', () => {
    const expected = encoded(ExpectedResult.exact({ a: 1 }));
    expect(mismatch(expected, { a: 1 })).toMatch(/!! Missing key '\$Exact'/);
    expect(mismatch(expected, { $Exact: { a: 1 } })).toBeUndefined();
  });

  test('a null anywhere leaves the pattern undecoded, as the assertion handler does', () => {
    const expected = encoded(ExpectedResult.objectLike({ a: null, b: 1 }));
    expect(expectedMatcher(expected).name).toBe('exact');
    expect(mismatch(expected, { a: null, b: 1 })).toMatch(/Missing key '\$ObjectLike'/);
  });
});
