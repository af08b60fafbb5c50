import { sleep } from '../runtime/exec';

/** What one call of an assertion found. */
export interface Attempt {
  /** `pass`: the response matched; `retry`: it did not match yet; `fail`: it cannot match (an error, a call not run locally). */
  readonly verdict: 'pass' | 'retry' | 'fail';
  readonly detail: string;
}

/** How an assertion ended. */
export interface AssertionOutcome {
  readonly passed: boolean;
  readonly attempts: number;
  /** What the last attempt found. */
  readonly detail: string;
}

/** The time source of {@link waitForAssertion}. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep };

/**
 * Calls an assertion until its response matches, as integ-tests' `waitForAssertions` does: again
 * every `intervalMs` while it does not match, as long as the next call would start before the
 * deadline. A call that cannot match is not repeated.
 */
export async function waitForAssertion(attempt: () => Promise<Attempt>, deadline: number, intervalMs: number,
  clock: Clock = SYSTEM_CLOCK): Promise<AssertionOutcome> {
  for (let attempts = 1; ; attempts++) {
    const { verdict, detail } = await attempt();
    if (verdict !== 'retry') return { passed: verdict === 'pass', attempts, detail };
    if (clock.now() + intervalMs > deadline) return { passed: false, attempts, detail };
    await clock.sleep(intervalMs);
  }
}
