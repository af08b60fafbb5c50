import { Attempt, Clock, waitForAssertion } from '../../src/checks/wait-for-assertion';

/** A clock whose time moves only when the code under test sleeps; records the sleeps. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async ms => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Attempts that return these verdicts in turn (then the last one again), counting the calls. */
function attempts(...verdicts: Array<Attempt['verdict']>) {
  let calls = 0;
  const next = async (): Promise<Attempt> => {
    const verdict = verdicts[Math.min(calls, verdicts.length - 1)];
    calls++;
    return { verdict, detail: `call ${calls}: ${verdict}` };
  };
  return { next, calls: () => calls };
}

describe('waitForAssertion', () => {
  test('calls again every interval until the response matches', async () => {
    const clock = fakeClock();
    const a = attempts('retry', 'retry', 'pass');
    expect(await waitForAssertion(a.next, 10_000, 1000, clock)).toEqual({ passed: true, attempts: 3, detail: 'call 3: pass' });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  test('stops when the next call would start after the deadline, with what the last call found', async () => {
    const clock = fakeClock();
    const a = attempts('retry');
    // Calls at 0, 1000 and 2000 ms; one at 3000 would start after the deadline.
    expect(await waitForAssertion(a.next, 2500, 1000, clock)).toEqual({ passed: false, attempts: 3, detail: 'call 3: retry' });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  test('a call that cannot match is not repeated', async () => {
    const clock = fakeClock();
    const a = attempts('retry', 'fail', 'pass');
    expect(await waitForAssertion(a.next, 60_000, 1000, clock)).toEqual({ passed: false, attempts: 2, detail: 'call 2: fail' });
    expect(a.calls()).toBe(2);
  });

  test('a deadline already past still makes one call', async () => {
    const clock = fakeClock();
    expect(await waitForAssertion(attempts('pass').next, -1, 1000, clock)).toEqual({ passed: true, attempts: 1, detail: 'call 1: pass' });
    expect(await waitForAssertion(attempts('retry').next, -1, 1000, clock)).toMatchObject({ passed: false, attempts: 1 });
    expect(clock.sleeps).toEqual([]);
  });
});
