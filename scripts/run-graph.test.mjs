import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, readyJobs, runGraph, validateGraph } from './run-graph.mjs';

const GRAPH = [
  { name: 'core', needs: [] },
  { name: 'tier', needs: ['core'] },
  { name: 'web', needs: ['core'] },
  { name: 'docs', needs: ['tier', 'web'] },
];

await test('fails on a job defined twice', () => {
  assert.throws(() => validateGraph([{ name: 'a' }, { name: 'a' }]), /job "a" is defined twice/);
});

await test('fails on an unknown need', () => {
  assert.throws(() => validateGraph([{ name: 'a', needs: ['b'] }]), /job "a" needs "b", which is not defined/);
});

await test('fails on a cycle, naming it', () => {
  assert.throws(() => validateGraph([{ name: 'a', needs: ['b'] }, { name: 'b', needs: ['a'] }]), /cycle a -> b -> a/);
});

await test('ready jobs: needs passed, graph order, no more than the free slots', () => {
  const status = new Map([['core', 'passed'], ['tier', 'pending'], ['web', 'pending'], ['docs', 'pending']]);
  assert.deepEqual(readyJobs(GRAPH, status, 2).map(j => j.name), ['tier', 'web']);
  assert.deepEqual(readyJobs(GRAPH, status, 1).map(j => j.name), ['tier']);
  assert.deepEqual(readyJobs(GRAPH, status, 0), []);
});

await test('runs independent jobs side by side, never more than the concurrency, each after its needs', async () => {
  const events = [];
  let running = 0;
  let peak = 0;
  const status = await runGraph(GRAPH, 2, async job => {
    running++;
    peak = Math.max(peak, running);
    events.push(`start ${job.name}`);
    await new Promise(r => setTimeout(r, 10));
    events.push(`end ${job.name}`);
    running--;
    return { ok: true };
  });
  assert.equal(peak, 2);
  assert.deepEqual([...status.values()], ['passed', 'passed', 'passed', 'passed']);
  assert.ok(events.indexOf('start tier') > events.indexOf('end core'));
  assert.ok(events.indexOf('start web') < events.indexOf('end tier'), 'tier and web overlap');
  assert.ok(events.indexOf('start docs') > events.indexOf('end web'));
});

await test('a failure starts nothing more, lets running jobs finish, and leaves the rest pending', async () => {
  const finished = [];
  const status = await runGraph(GRAPH, 2, async job => {
    await new Promise(r => setTimeout(r, job.name === 'web' ? 20 : 1));
    finished.push(job.name);
    return { ok: job.name !== 'tier' };
  });
  assert.equal(status.get('tier'), 'failed');
  assert.equal(status.get('web'), 'passed', 'web was running when tier failed');
  assert.equal(status.get('docs'), 'pending');
  assert.deepEqual(finished.sort(), ['core', 'tier', 'web']);
});

await test('a job that throws counts as failed', async () => {
  const status = await runGraph([{ name: 'a' }], 1, async () => {
    throw new Error('boom');
  });
  assert.equal(status.get('a'), 'failed');
});

await test('the timing table: one row per task, CPU seconds where known', () => {
  const table = formatTable([
    { name: 'core:compile', start: 0, seconds: 9.04, cpu: 12.5, result: 'passed' },
    { name: 'docs', start: 9.1, seconds: 2, result: 'FAILED' },
  ]).split('\n');
  assert.equal(table.length, 3);
  assert.match(table[1], /^core:compile\s+0\.0\s+9\.0\s+12\.5\s+passed$/);
  assert.match(table[2], /^docs\s+9\.1\s+2\.0\s+-\s+FAILED$/);
});
