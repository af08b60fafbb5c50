import { Match, Matcher } from 'aws-cdk-lib/assertions';

/**
 * The matcher of an assertion's `expected`, decoded as integ-tests-alpha's assertion handler does
 * (`MatchCreator.getMatcher` in the handler bundle each integ snapshot carries,
 * `asset.*.bundle/index.js`): `ExpectedResult` and `Match` of integ-tests-alpha serialize
 * aws-cdk-lib's matchers as `{"$ObjectLike": ...}`, `{"$ArrayWith": ...}`, `{"$StringLike": ...}`
 * and `{"$SerializedJson": ...}`; at any depth, an object whose first key is one of these becomes
 * that `Match` of aws-cdk-lib/assertions. What is not a matcher at the top is matched exactly.
 *
 * As there, nothing else is decoded: `ExpectedResult.exact()` writes `{"$Exact": ...}`, which the
 * handler compares literally; and a `null` anywhere leaves the whole pattern undecoded (the
 * handler's reviver calls `Object.keys(null)`, throws, and falls back to an exact match).
 */
export function expectedMatcher(expected: unknown): Matcher {
  const wrapped = JSON.stringify({ matcher: expected });
  try {
    const decoded = JSON.parse(wrapped, (_key, v) => {
      const first = Object.keys(v)[0];
      switch (first) {
        case '$ArrayWith': return Match.arrayWith(v[first]);
        case '$ObjectLike': return Match.objectLike(v[first]);
        case '$StringLike': return Match.stringLikeRegexp(v[first]);
        case '$SerializedJson': return Match.serializedJson(v[first]);
        default: return v;
      }
    }).matcher;
    return Matcher.isMatcher(decoded) ? decoded : Match.exact(decoded);
  } catch {
    return Match.exact(JSON.parse(wrapped).matcher);
  }
}

/**
 * Tests a response against an assertion's `expected`; undefined when it matches, else the
 * mismatch as aws-cdk-lib renders it (the response, with each mismatch marked `!!` where it is).
 */
export function mismatch(expected: unknown, actual: unknown): string | undefined {
  const result = expectedMatcher(expected).test(actual);
  result.finished();
  return result.hasFailed() ? result.renderMismatch() : undefined;
}
