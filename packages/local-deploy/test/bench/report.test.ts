import { checkTargets, explainThroughput, renderBenchmarks } from '../../src/bench/report';
import { BenchResults, LoadRun, medianRun } from '../../src/bench/results';

const run = (requestsPerSecond: number, p99Ms: number, errors = 0, deploymentCores = 1.6): LoadRun => ({
  requestsPerSecond,
  p50Ms: p99Ms / 3,
  p99Ms,
  errors,
  socketErrors: 0,
  requests: requestsPerSecond * 5,
  wrkCores: 0.1,
  cpu: { busy: 1, deploymentCores, byProgram: { apache2: deploymentCores / 2, uwsgi: deploymentCores * 0.4, node: deploymentCores * 0.1 } },
});

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    date: '2026-11-26T19:00:00.000Z',
    command: 'npx projen bench',
    machine: { cores: 2, cpuModel: 'Test CPU', memoryGiB: 23.5, os: 'Debian GNU/Linux 12', loadAverage: [1, 2, 3] },
    healthCheckTimeScale: 0.1,
    durationSeconds: 5,
    variants: { a: 'BenchArticle', b: 'BenchDefaults' },
    throughput: [{ concurrency: 32, a: run(1000, 60), b: run(3100, 25), rounds: 3 }],
    failover: {
      a: { concurrency: 32, requests: 10000, failedRequests: 900, secondsUntilNoneFail: 2, markedUnhealthySeconds: 1.9 },
      b: { concurrency: 32, requests: 30000, failedRequests: 50, secondsUntilNoneFail: 0.9, markedUnhealthySeconds: 0.9 },
    },
    deploys: [
      { stack: 'BenchDefaults', appHosts: 2, upSeconds: 1.2, upCpuSeconds: 9, healthySeconds: 0.8, downSeconds: 1.1 },
      { stack: 'BenchScale8', appHosts: 8, upSeconds: 9.5, upCpuSeconds: 100, healthySeconds: 0.5, downSeconds: 1.3 },
      { stack: 'BenchScale32', appHosts: 32, upSeconds: 12, upCpuSeconds: 400, healthySeconds: 2, downSeconds: 5 },
    ],
    synthSeconds: 12.3,
    ...overrides,
  };
}

describe('checkTargets', () => {
  test('every target that was measured, met or not', () => {
    expect(checkTargets(results()).map(c => [c.target, c.met])).toEqual([
      ['B >= 3x A\'s requests/s at concurrency 32', true],
      ['B\'s p99 <= 1/2 of A\'s at concurrency 32', true],
      ['B: 0 errors in steady state (every concurrency, every round)', true],
      ['Failover: B loses <= 1/10 of A\'s requests', true],
      ['Local deploy of the example app: up < 5 s', true],
      ['Local deploy of the example app: down < 2 s', true],
      ['32 app hosts: up < 30 s', true],
    ]);
  });

  test('fails a target the run misses, with the numbers', () => {
    const checks = checkTargets(results({ throughput: [{ concurrency: 32, a: run(1000, 40), b: run(2500, 25, 1), rounds: 3 }] }));

    expect(checks[0]).toEqual({ target: 'B >= 3x A\'s requests/s at concurrency 32', measured: '2.50x (2500 vs 1000)', met: false });
    expect(checks[1].met).toBe(false);
    expect(checks[2]).toMatchObject({ measured: '1 errors', met: false });
  });

  test('a scale-in with a failed request misses its target', () => {
    const scaleIn = { stack: 'BenchScaleIn', from: 3, to: 2, concurrency: 32, requests: 9000, failedRequests: 1, drainSeconds: 2 };
    expect(checkTargets(results({ scaleIn })).pop()).toEqual({ target: 'Scale-in 3 -> 2 under load: 0 failed requests', measured: '1 failed of 9000', met: false });
  });
});

describe('renderBenchmarks', () => {
  test('states the date, cores, memory and exact command, and a row per concurrency with B/A', () => {
    const md = renderBenchmarks(results());

    expect(md).toContain('Run on 2026-11-26T19:00:00.000Z: 2 cores (Test CPU), 23.5 GiB of memory, Debian GNU/Linux 12');
    expect(md).toContain('Command: `npx projen bench`');
    expect(md).toContain('| 32 | 1000 | 20.0 | 60.0 | 0 | 3100 | 8.3 | 25.0 | 0 | 3.10 | 0.42 |');
    expect(md).toContain('| A | 32 | 10000 | 900 | 2.00 | 1.9 |');
    expect(md).toContain('`cdk synth` of the example app: 12.3 s.');
    expect(md).not.toMatch(/\*\*no\*\*/);
  });

  test('shows each configuration\'s CPU per request: its own processes\', and the machine\'s', () => {
    const md = renderBenchmarks(results({ throughput: [{ concurrency: 32, a: run(1000, 60, 0, 1.6), b: run(3100, 25, 0, 1.55), rounds: 3 }] }));

    // A: 1.6 cores / 1000 req/s = 1.60 ms; the machine: 2 cores fully busy / 1000 req/s = 2.00 ms.
    expect(md).toContain('| 32 | 0.8 / 0.6 / 0.2 | 1.60 | 100 %, 2.00 | 0.8 / 0.6 / 0.2 | 0.50 | 100 %, 0.65 | 0.1 |');
  });

  test('the floor: its runs, and B\'s CPU per request against the floor\'s', () => {
    const throughput = [{ concurrency: 32, a: run(1000, 60), b: run(3000, 25, 0, 1.8), floor: run(6000, 10, 0, 1.8), rounds: 3 }];
    const md = renderBenchmarks(results({ throughput, variants: { a: 'BenchArticle', b: 'BenchDefaults', floor: 'BenchFloor' } }));

    expect(md).toContain('- **The floor** (stack `BenchFloor`');
    expect(md).toContain('## B against the floor');
    // Floor 1.8 / 6000 = 0.30 ms, B 1.8 / 3000 = 0.60 ms: B spends twice the floor's CPU per request.
    expect(md).toContain('| 32 | 6000 | 3.3 | 10.0 | 0 | 0.9 / 0.7 / 0.2 | 0.30 | 0.60 | 2.00 | 100 %, 0.33 |');
  });

  test('the HTTPS web fleet: its runs, its HAProxy\'s cores, and its throughput, p99 and CPU per request against B\'s', () => {
    const byProgram = { apache2: 0.6, uwsgi: 0.6, haproxy: 0.5, node: 0.1 };
    const https = { ...run(2000, 50, 0, 1.8), cpu: { busy: 1, deploymentCores: 1.8, byProgram } };
    const throughput = [{ concurrency: 32, a: run(1000, 60), b: run(3000, 25, 0, 1.8), https, rounds: 3 }];
    const md = renderBenchmarks(results({ throughput, variants: { a: 'BenchArticle', b: 'BenchDefaults', https: 'BenchHttps' } }));

    expect(md).toContain('## B behind the HTTPS web fleet');
    expect(md).toContain('turns (A, B, HTTPS, A, ...)');
    // HTTPS 1.8 / 2000 = 0.90 ms, B 1.8 / 3000 = 0.60 ms: 1.5 times B's CPU per request, 2/3 of its rate, twice its p99.
    expect(md).toContain('| 32 | 2000 | 16.7 | 50.0 | 0 | 0.6 / 0.6 / 0.6 | 0.5 | 0.90 | 0.60 | 0.67 | 2.00 | 1.50 |');
  });

  test('what TLS costs: the HTTPS fleet against the same fleet over HTTP, in the same turns', () => {
    const fleet = (rps: number, p99: number, cores: number, haproxy: number) =>
      ({ ...run(rps, p99, 0, cores), cpu: { busy: 1, deploymentCores: cores, byProgram: { apache2: 0.5, uwsgi: 0.5, haproxy } } });
    const throughput = [
      {
        concurrency: 32,
        a: run(1000, 60),
        b: run(3000, 25, 0, 1.8),
        https: fleet(2000, 50, 1.8, 0.5),
        httpFleet: fleet(2400, 40, 1.8, 0.3),
        rounds: 3,
      },
    ];
    const variants = { a: 'BenchArticle', b: 'BenchDefaults', https: 'BenchHttps', httpFleet: 'BenchHttpFleet' };
    const md = renderBenchmarks(results({ throughput, variants }));

    expect(md).toContain('### What TLS costs');
    expect(md).toContain('turns (A, B, HTTPS, HTTP fleet, A, ...)');
    // HTTP 1.8 / 2400 = 0.75 ms, HTTPS 1.8 / 2000 = 0.90 ms: TLS costs 0.15 ms of CPU per request.
    expect(md).toContain('| 32 | 2400 | 13.3 | 40.0 | 0 | 0.3 | 0.75 | 0.90 | 0.15 | 0.83 | 1.25 |');
  });

  test('without a floor or an HTTPS web fleet, no section of theirs', () => {
    expect(renderBenchmarks(results())).not.toContain('What TLS costs');
    expect(renderBenchmarks(results())).not.toContain('B behind the HTTPS web fleet');
    expect(renderBenchmarks(results())).not.toContain('against the floor');
  });

  test('deploy timings with the CPU time of the up, in all and per app host', () => {
    const md = renderBenchmarks(results());

    expect(md).toContain('| BenchScale8 | 8 | 9.5 | 100.0 | 12.5 | 0.5 | 1.3 |');
    expect(md).toContain('| BenchScale32 | 32 | 12.0 | 400.0 | 12.5 | 2.0 | 5.0 |');
  });
});

describe('medianRun', () => {
  test('the run with the median throughput, with the errors and requests of every run', () => {
    const m = medianRun([run(900, 50), run(1100, 70, 2), run(1000, 60, 1)]);

    expect(m.requestsPerSecond).toBe(1000);
    expect(m.p99Ms).toBe(60);
    expect(m.errors).toBe(3);
    expect(m.requests).toBe(15000);
  });
});

describe('explainThroughput', () => {
  test('explains a missed throughput target with the CPU cost per request when both runs saturated the machine', () => {
    const r = results({ throughput: [{ concurrency: 32, a: run(1000, 60), b: run(2500, 25), rounds: 3 }] });

    const [text] = explainThroughput(r);
    expect(text).toContain('2.0 ms for A, 0.8 ms for B, a ratio of 2.50');
  });

  test('says nothing when the target is met or the machine had cores to spare', () => {

    expect(explainThroughput(results())).toEqual([]);
    const idle = { ...run(2500, 25), cpu: { busy: 0.5, deploymentCores: 1, byProgram: {} } };
    expect(explainThroughput(results({ throughput: [{ concurrency: 32, a: run(1000, 60), b: idle, rounds: 3 }] }))).toEqual([]);
  });
});
