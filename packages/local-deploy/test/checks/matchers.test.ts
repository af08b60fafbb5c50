import { match } from '../../src/checks/matchers';

describe('match', () => {
  test('$ObjectLike matches partially, nested objects too', () => {
    expect(match({ $ObjectLike: { status: 200, body: { app: 'x' } } }, { status: 200, ok: true, body: { app: 'x', extra: 1 } })).toEqual([]);
    expect(match({ $ObjectLike: { status: 200 } }, { status: 500 })).toEqual(['.status: expected 200, got 500']);
  });

  test('a literal array inside $ObjectLike is matched element by element', () => {
    const pattern = { $ObjectLike: { T: [{ S: 'healthy' }, { S: 'healthy' }] } };
    expect(match(pattern, { T: [{ S: 'healthy', Id: 'a' }, { S: 'healthy', Id: 'b' }] })).toEqual([]);
    expect(match(pattern, { T: [{ S: 'healthy' }] })[0]).toMatch(/expected 2 elements, got 1/);
    expect(match(pattern, { T: [{ S: 'healthy' }, { S: 'initial' }] })[0]).toMatch(/\.T\[1\]\.S: expected "healthy", got "initial"/);
  });

  test('$StringLike is a regular expression', () => {
    expect(match({ $StringLike: '^i-[0-9a-f]{8,17}$' }, 'i-0123456789abcdef0')).toEqual([]);
    expect(match({ $StringLike: '^i-' }, 'error')).toHaveLength(1);
  });

  test('$ArrayWith matches its patterns in order, each against another element', () => {
    const two = { $ArrayWith: [{ $StringLike: '^i-' }, { $StringLike: '^i-' }] };
    expect(match(two, ['i-1', 'x', 'i-2'])).toEqual([]);
    expect(match(two, ['i-1', 'x'])).toHaveLength(1);
  });

  test('$SerializedJson parses the string first', () => {
    expect(match({ $SerializedJson: { $ObjectLike: { ok: 20 } } }, '{"ok":20,"requests":20}')).toEqual([]);
    expect(match({ $SerializedJson: { ok: 20 } }, 'not json')[0]).toMatch(/expected serialized JSON/);
  });

  test('$Exact refuses extra keys', () => {
    expect(match({ $Exact: { a: 1 } }, { a: 1, b: 2 })).toEqual(['.b: unexpected key']);
  });
});
