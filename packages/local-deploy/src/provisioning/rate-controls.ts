/**
 * State Manager's rate controls, as the local deploy applies them when an association runs again
 * on its targets: `MaxConcurrency` targets run at the same time, and once more than `MaxErrors`
 * runs failed, no further target starts; runs already under way finish.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */

/** How many of `targets` run at once: a number, or a percentage of the targets (at least one); none: all. */
export function concurrencyOf(maxConcurrency: string | undefined, targets: number): number {
  if (maxConcurrency === undefined) return Math.max(1, targets);
  return Math.max(1, Math.min(targets, amountOf('MaxConcurrency', maxConcurrency, targets)));
}

/**
 * How many failed runs are tolerated: a number, or a percentage of the targets, rounded down ("If
 * you run an association on 50 instances and set MaxError to 10%, then the system stops sending
 * the request when the sixth error is received"); none: every target runs whatever fails.
 */
export function errorThresholdOf(maxErrors: string | undefined, targets: number): number {
  return maxErrors === undefined ? Infinity : amountOf('MaxErrors', maxErrors, targets);
}

function amountOf(name: string, value: string, targets: number): number {
  const m = /^(\d+)(%?)$/.exec(value);
  if (!m) throw new Error(`${name} "${value}": expected a whole number or a percentage`);
  return m[2] ? Math.floor((Number(m[1]) * targets) / 100) : Number(m[1]);
}

/** How a rate-controlled run over targets ended. */
export interface RateControlledRun<R> {
  /** The results of the targets that ran, in the order they ended. */
  readonly results: R[];
  /** The targets that did not run: the error threshold was passed before their turn. */
  readonly notRun: string[];
}

/**
 * Runs `run` on each target in order, at most `concurrency` at a time, and starts no further target
 * once more than `errorThreshold` runs failed (those under way finish).
 */
export async function runRateControlled<R>(targets: string[], concurrency: number, errorThreshold: number,
  run: (target: string) => Promise<R>, succeeded: (result: R) => boolean): Promise<RateControlledRun<R>> {
  const results: R[] = [];
  let next = 0;
  let errors = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, async () => {
    while (next < targets.length && errors <= errorThreshold) {
      const result = await run(targets[next++]);
      results.push(result);
      if (!succeeded(result)) errors++;
    }
  }));
  return { results, notRun: targets.slice(next) };
}
