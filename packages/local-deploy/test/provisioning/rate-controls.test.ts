import { concurrencyOf, errorThresholdOf, runRateControlled } from '../../src/provisioning/rate-controls';

describe('rate controls', () => {
  test.each([
    [undefined, 4, 4],
    ['1', 4, 1],
    ['10', 4, 4],
    ['50%', 4, 2],
    ['10%', 4, 1],
    ['100%', 3, 3],
  ])('MaxConcurrency %s of %i targets runs %i at once', (value, targets, expected) => {
    expect(concurrencyOf(value, targets)).toBe(expected);
  });

  test.each([
    [undefined, 4, Infinity],
    ['0', 4, 0],
    ['3', 4, 3],
    ['10%', 50, 5],
    ['10%', 4, 0],
  ])('MaxErrors %s of %i targets tolerates %d failures', (value, targets, expected) => {
    expect(errorThresholdOf(value, targets)).toBe(expected);
  });

  test('one at a time, stopping at the first failure: the targets after it do not run', async () => {
    const started: string[] = [];
    const run = await runRateControlled(['a', 'b', 'c'], 1, 0, async t => {
      started.push(t);
      return { target: t, ok: t !== 'a' };
    }, r => r.ok);

    expect(started).toEqual(['a']);
    expect(run).toEqual({ results: [{ target: 'a', ok: false }], notRun: ['b', 'c'] });
  });

  test('one at a time, each after the previous ended', async () => {
    const events: string[] = [];
    const run = await runRateControlled(['a', 'b', 'c'], 1, 0, async t => {
      events.push(`start ${t}`);
      await new Promise(resolve => setTimeout(resolve, 5));
      events.push(`end ${t}`);
      return t;
    }, () => true);

    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(run.notRun).toEqual([]);
  });

  test('runs under way when the threshold is passed finish; no further one starts', async () => {
    const started: string[] = [];
    const run = await runRateControlled(['a', 'b', 'c', 'd'], 2, 0, async t => {
      started.push(t);
      await new Promise(resolve => setTimeout(resolve, t === 'a' ? 1 : 20));
      return { target: t, ok: t !== 'a' };
    }, r => r.ok);

    expect(started).toEqual(['a', 'b']);
    expect(run.results.map(r => r.target)).toEqual(['a', 'b']);
    expect(run.notRun).toEqual(['c', 'd']);
  });

  test('a tolerated failure lets the next targets run', async () => {
    const run = await runRateControlled(['a', 'b', 'c'], 1, 1, async t => ({ target: t, ok: t !== 'a' }), r => r.ok);

    expect(run.results.map(r => r.target)).toEqual(['a', 'b', 'c']);
  });
});
