/**
 * Suites that need something of this machine: root, a Debian package. A green build must mean that
 * they ran, so under CI a missing requirement fails the suite, saying what to do; elsewhere the
 * suite is skipped with one line that says so.
 */

/** Whether this runs under CI (`CI` set, as CI services and `.ci/run` set it, and not "false" or "0"). */
export const UNDER_CI = process.env.CI !== undefined && !['', 'false', '0'].includes(process.env.CI);

/** Root on Linux: what a local deployment needs (network namespaces, nftables). */
export const IS_ROOT = process.getuid?.() === 0 && process.platform === 'linux';

/**
 * `describe` when `met`; otherwise a suite that fails under CI, or is skipped with a line saying
 * so. `requirement` says what is missing and how to get it.
 */
export function describeWhen(met: boolean, requirement: string): (name: string, fn: () => void) => void {
  if (met) return describe;
  if (UNDER_CI) {
    return name => describe(name, () => {
      test('cannot run on this machine', () => {
        throw new Error(`"${name}" needs ${requirement}. Under CI a suite that cannot run fails rather than skips.`);
      });
    });
  }
  return (name, fn) => {
    // eslint-disable-next-line no-console
    console.log(`Skipping "${name}": it needs ${requirement}.`);
    describe.skip(name, fn);
  };
}
