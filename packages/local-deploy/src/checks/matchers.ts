/**
 * The matchers of @aws-cdk/integ-tests-alpha's `ExpectedResult`, as they are serialized into an
 * assertion's `expected` property: `$ObjectLike`, `$ArrayWith`, `$StringLike`, `$Exact`,
 * `$SerializedJson`, `$AnyValue`. Semantics follow aws-cdk-lib/assertions: inside an object-like
 * pattern, literal objects match partially and literal arrays element by element; `$ArrayWith`
 * matches its patterns, in order, against distinct elements.
 * Returns the mismatches, each with the path where it was found; empty means a match.
 */
export function match(pattern: unknown, actual: unknown, partial = false, at = ''): string[] {
  const where = at || '(root)';
  if (isMatcher(pattern)) {
    const [name, arg] = Object.entries(pattern)[0];
    switch (name) {
      case '$ObjectLike': return matchLiteral(arg, actual, true, at);
      case '$Exact': return matchLiteral(arg, actual, false, at);
      case '$AnyValue': return actual === undefined || actual === null ? [`${where}: expected a value, got ${JSON.stringify(actual)}`] : [];
      case '$StringLike':
        return typeof actual === 'string' && new RegExp(String(arg)).test(actual) ? [] : [`${where}: expected a string matching /${arg}/, got ${JSON.stringify(actual)}`];
      case '$SerializedJson': {
        if (typeof actual !== 'string') return [`${where}: expected serialized JSON, got ${JSON.stringify(actual)}`];
        try {
          return match(arg, JSON.parse(actual), partial, at);
        } catch {
          return [`${where}: expected serialized JSON, got ${JSON.stringify(actual.slice(0, 200))}`];
        }
      }
      case '$ArrayWith': return matchArrayWith(arg as unknown[], actual, partial, at);
    }
  }
  return matchLiteral(pattern, actual, partial, at);
}

function isMatcher(p: unknown): p is Record<string, unknown> {
  return !!p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 1 && Object.keys(p)[0].startsWith('$');
}

function matchLiteral(pattern: unknown, actual: unknown, partial: boolean, at: string): string[] {
  const where = at || '(root)';
  if (isMatcher(pattern)) return match(pattern, actual, partial, at);
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return [`${where}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== pattern.length) return [`${where}: expected ${pattern.length} elements, got ${actual.length}: ${JSON.stringify(actual).slice(0, 300)}`];
    return pattern.flatMap((p, i) => match(p, actual[i], partial, `${at}[${i}]`));
  }
  if (pattern && typeof pattern === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${where}: expected an object, got ${JSON.stringify(actual)}`];
    const out: string[] = [];
    if (!partial) {
      for (const k of Object.keys(actual)) if (!(k in pattern)) out.push(`${at}.${k}: unexpected key`);
    }
    for (const [k, p] of Object.entries(pattern)) {
      if (!(k in actual)) out.push(`${at}.${k}: missing`);
      else out.push(...match(p, (actual as Record<string, unknown>)[k], partial, `${at}.${k}`));
    }
    return out;
  }
  return pattern === actual ? [] : [`${where}: expected ${JSON.stringify(pattern)}, got ${JSON.stringify(actual)}`];
}

function matchArrayWith(patterns: unknown[], actual: unknown, partial: boolean, at: string): string[] {
  if (!Array.isArray(actual)) return [`${at || '(root)'}: expected an array, got ${JSON.stringify(actual)}`];
  let next = 0;
  for (const [i, p] of patterns.entries()) {
    while (next < actual.length && match(p, actual[next], partial, at).length > 0) next++;
    if (next >= actual.length) {
      return [`${at || '(root)'}: no element for pattern ${i + 1} of ${patterns.length} (${JSON.stringify(p)}) in ${JSON.stringify(actual).slice(0, 300)}`];
    }
    next++;
  }
  return [];
}
