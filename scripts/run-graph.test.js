const assert = require('node:assert/strict');
const { test } = require('node:test');
const { readyJobs, runGraph, validateGraph } = require('./run-graph');

const GRAPH = [
  { name: 'core', needs: [] },
  { name: 'tier', needs: ['core'] },
  { name: 'web', needs: ['core'] },
  { name: 'docs', needs: ['tier', 'web'] },
];

test('fails on a job defined twice', () => {
  assert.throws(() => validateGraph([{ name: 'a' }, { name: 'a' }]), /job "a" is defined twice/);
});

test('fails on an unknown need', () => {
  assert.throws(() => validateGraph([{ name: 'a', needs: ['b'] }]), /job "a" needs "b", which is not defined/);
});

test('fails on a cycle, naming it', () => {
  assert.throws(() => validateGraph([{ name: 'a', needs: ['b'] }, { name: 'b', needs: ['a'] }]), /cycle a -> b -> a/);
});

test('ready jobs: needs passed, graph order, no more than the free slots', () => {
  const status = new Map([['core', 'passed'], ['tier', 'pending'], ['web', 'pending'], ['docs', 'pending']]);
  assert.deepEqual(readyJobs(GRAPH, status, 2).map(j => j.name), ['tier', 'web']);
  assert.deepEqual(readyJobs(GRAPH, status, 1).map(j => j.name), ['tier']);
  assert.deepEqual(readyJobs(GRAPH, status, 0), []);
});

test('runs independent jobs side by side, never more than the concurrency, each after its needs', async () => {
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

test('a failure starts nothing more, lets running jobs finish, and leaves the rest pending', async () => {
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

test('a job that throws counts as failed', async () => {
  const status = await runGraph([{ name: 'a' }], 1, async () => {
    throw new Error('boom');
  });
  assert.equal(status.get('a'), 'failed');
});
