import { median, provisioningMedians, ProvisioningBenchResults, ProvisioningSample, renderProvisioningBench } from '../../src/bench/provisioning';

const sample = (loadBefore: number, upSeconds: number, cpu: number[], wall: number[]): ProvisioningSample => ({
  loadBefore,
  upSeconds,
  hosts: cpu.map((cpuSeconds, i) => ({ host: `app${i + 1}`, cpuSeconds, wallSeconds: wall[i] })),
});

const results: ProvisioningBenchResults = {
  date: '2026-12-03T12:00:00.000Z',
  command: 'nlb-tiers-local bench-provisioning before.out after.out Stack --rounds 3',
  machine: { cores: 2, cpuModel: 'CPU', memoryGiB: 4, os: 'Linux', loadAverage: [1, 1, 1] },
  stack: 'Stack',
  beforeAssembly: 'before.out',
  afterAssembly: 'after.out',
  // Two app hosts: each sample's per-host number is the mean of its hosts.
  before: [sample(3, 20, [10, 12], [15, 17]), sample(4, 18, [9, 9], [14, 14]), sample(5, 25, [14, 14], [20, 20])],
  after: [sample(3, 10, [5, 5], [8, 8]), sample(4, 12, [6, 4], [9, 7]), sample(5, 11, [7, 7], [10, 10])],
};

describe('the provisioning bench report', () => {
  test('the median of an odd count is the middle one, of an even count the lower middle one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  test('per app host: the mean of a deployment\'s hosts, then the median over the rounds', () => {
    expect(provisioningMedians(results.before)).toEqual({ cpuSeconds: 11, wallSeconds: 16, upSeconds: 20 });
    expect(provisioningMedians(results.after)).toEqual({ cpuSeconds: 5, wallSeconds: 8, upSeconds: 11 });
  });

  test('shows every round with its load, and the medians with their change', () => {
    const report = renderProvisioningBench(results);
    expect(report).toContain('| 1 | 3.0 / 3.0 | 11.00 / 5.00 | 16.0 / 8.0 | 20.0 / 10.0 |');
    expect(report).toContain('| **Median** | | **11.00 / 5.00 (-55 %)** | **16.0 / 8.0 (-50 %)** | **20.0 / 11.0 (-45 %)** |');
    expect(report).toContain('Stack `Stack` (2 app hosts)');
    expect(report).toContain(`Command: \`${results.command}\``);
    expect(report).toContain('after is 0.45 of before (median of 3 rounds)');
  });
});
