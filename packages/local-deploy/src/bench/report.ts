import { BenchResults, cpuMsPerRequest, LoadRun, machineCpuMsPerRequest } from './results';

/** A target the configurations are held to, checked against a run. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)} %` : 'n/a');

/** Checks a run against the targets; a target whose measurement is missing is not listed. */
export function checkTargets(r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at32 = r.throughput.find(t => t.concurrency === 32);
  if (at32) {
    const ratio = at32.b.requestsPerSecond / at32.a.requestsPerSecond;
    checks.push({ target: 'B >= 3x A\'s requests/s at concurrency 32', measured: `${ratio.toFixed(2)}x (${f0(at32.b.requestsPerSecond)} vs ${f0(at32.a.requestsPerSecond)})`, met: ratio >= 3 });
    checks.push({ target: 'B\'s p99 <= 1/2 of A\'s at concurrency 32', measured: `${f1(at32.b.p99Ms)} ms vs ${f1(at32.a.p99Ms)} ms (${(at32.b.p99Ms / at32.a.p99Ms).toFixed(2)})`, met: at32.b.p99Ms <= at32.a.p99Ms / 2 });
  }
  if (r.throughput.length > 0) {
    const errors = r.throughput.reduce((n, t) => n + t.b.errors, 0);
    checks.push({ target: 'B: 0 errors in steady state (every concurrency, every round)', measured: `${errors} errors`, met: errors === 0 });
  }
  if (r.failover) {
    const { a, b } = r.failover;
    checks.push({
      target: 'Failover: B loses <= 1/10 of A\'s requests',
      measured: `${b.failedRequests} vs ${a.failedRequests} (${a.failedRequests > 0 ? (b.failedRequests / a.failedRequests).toFixed(3) : 'n/a'})`,
      met: b.failedRequests * 10 <= a.failedRequests,
    });
  }
  const example = r.deploys.find(d => d.stack === r.variants.b);
  if (example) {
    checks.push({ target: 'Local deploy of the example app: up < 5 s', measured: `${example.upSeconds.toFixed(1)} s`, met: example.upSeconds < 5 });
    checks.push({ target: 'Local deploy of the example app: down < 2 s', measured: `${example.downSeconds.toFixed(1)} s`, met: example.downSeconds < 2 });
  }
  const big = r.deploys.find(d => d.appHosts === 32);
  if (big) checks.push({ target: '32 app hosts: up < 30 s', measured: `${big.upSeconds.toFixed(1)} s`, met: big.upSeconds < 30 });
  if (r.scaleIn) {
    checks.push({ target: `Scale-in ${r.scaleIn.from} -> ${r.scaleIn.to} under load: 0 failed requests`, measured: `${r.scaleIn.failedRequests} failed of ${r.scaleIn.requests}`, met: r.scaleIn.failedRequests === 0 });
  }
  return checks;
}

function loadCells(run: LoadRun): string[] {
  const errors = run.socketErrors > 0 ? `${run.errors} (${run.socketErrors} socket)` : String(run.errors);
  return [f0(run.requestsPerSecond), f1(run.p50Ms), f1(run.p99Ms), errors];
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** docs/benchmarks.md: what was measured, how, on what, and whether the targets are met. */
export function renderBenchmarks(r: BenchResults): string {
  const lines: string[] = [
    `# Benchmarks: the article's configuration (A) and the constructs' defaults (B)${r.variants.floor ? ', against the floor' : ''}`,
    '',
    '<!-- Written by `npx projen bench` (packages/local-deploy/src/bench). Do not edit: run it again. -->',
    '',
    `Run on ${r.date}: ${r.machine.cores} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB.toFixed(1)} GiB of memory, ${r.machine.os}; `
      + `load average before the run ${r.machine.loadAverage.map(l => l.toFixed(2)).join(' / ')} (the machine is shared: other work competes for the cores).`,
    '',
    `Command: \`${r.command}\``,
    '',
    '## What is compared',
    '',
    `- **A, the article's configuration** (stack \`${r.variants.a}\`, \`packages/example-app/src/bench/article-configuration.ts\`): the same`,
    '  constructs, then the article\'s files: its `uwsgi.ini` (`master = True`, no processes or threads), its',
    '  `ProxyPass` / `ProxyPassReverse` lines with Apache\'s defaults, its `run.py` (the instance id from IMDSv1',
    '  on every request, IMDSv1 allowed), health checks 2/2 every 10 s.',
    `- **B, the constructs' defaults** (stack \`${r.variants.b}\`, the example app).`,
    ...r.variants.floor ? [
      `- **The floor** (stack \`${r.variants.floor}\`, \`packages/example-app/src/bench/floor-configuration.ts\`): the same default app`,
      '  behind Apache and uWSGI on one host, with no load-balancer hop. It is built from B\'s constructs with their',
      '  defaults, so it runs what they render, not a hand-written copy: the web server\'s provisioning script (its',
      '  httpd configuration) with a `UwsgiEndpoint` on 127.0.0.1 as its upstream (given as the one zonal name, an',
      '  address that never changes, so httpd keeps its connections as B\'s does to the NLB\'s zonal names), and the',
      '  fleet\'s provisioning association (its playbook with the `uwsgi.ini`, app and systemd unit the fleet',
      '  renders) aimed at the web server\'s instance instead of the fleet\'s Auto Scaling group, which runs none.',
      '  What B spends per request beyond the floor is the price of its second tier: the load balancer\'s NAT and',
      '  the app hosts\' own network path.',
    ] : [],
    '',
    'All run on the same local topology (`nlb-tiers-local`: a namespace per instance, an nftables balancer',
    'with health checks for the NLB, real Apache, uWSGI and Flask), all deployed at once, and loaded in',
    `turns (A, B${r.variants.floor ? ', floor' : ''}${r.variants.https ? ', HTTPS' : ''}${r.variants.httpFleet ? ', HTTP fleet' : ''}, A, ...) so that whatever else runs on the machine weighs on each alike. The load comes`,
    'from `wrk` in the Internet namespace to the Elastic IP: every tier and the load generator share the',
    `machine's ${r.machine.cores} cores. Health-check intervals run ${r.healthCheckTimeScale}x as long as synthesized.`,
    '',
  ];

  if (r.throughput.length > 0) {
    lines.push(
      '## Throughput and latency',
      '',
      `Each cell is the median of ${r.throughput[0].rounds} runs of ${r.durationSeconds} s (errors: the sum over the runs: non-2xx responses and socket errors).`,
      '',
      '| Concurrency | A req/s | A p50 ms | A p99 ms | A errors | B req/s | B p50 ms | B p99 ms | B errors | B/A req/s | B/A p99 |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...r.throughput.map(t => `| ${t.concurrency} | ${[...loadCells(t.a), ...loadCells(t.b)].join(' | ')} | ${(t.b.requestsPerSecond / t.a.requestsPerSecond).toFixed(2)} | ${(t.b.p99Ms / t.a.p99Ms).toFixed(2)} |`),
      '',
      'CPU during those runs. The deployment\'s CPU is that of the loaded configuration\'s own processes (its',
      'Apache, uWSGI, the stand-ins for IMDS and the NLB\'s health checks, with their children), read from',
      '/proc: other work on the machine does not count. The machine\'s is the share of all its cores in use',
      `(${r.machine.cores}) by anything, other work included; it also counts the kernel's network path (namespaces, NAT).`,
      '',
      '| Concurrency | A: apache2 / uwsgi / other cores | A: deployment CPU ms/request | A: machine busy, ms/request | B: apache2 / uwsgi / other cores | B: deployment CPU ms/request | B: machine busy, ms/request | wrk cores |',
      '| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |',
      ...r.throughput.map(t => `| ${t.concurrency} | ${cpuCell(t.a)} | ${f2(cpuMsPerRequest(t.a))} | ${machineCell(t.a, r.machine.cores)} `
        + `| ${cpuCell(t.b)} | ${f2(cpuMsPerRequest(t.b))} | ${machineCell(t.b, r.machine.cores)} | ${f1(Math.max(t.a.wrkCores, t.b.wrkCores))} |`),
      '',
    );
  }

  const floorRows = r.throughput.filter(t => t.floor);
  if (floorRows.length > 0) {
    lines.push(
      '## B against the floor',
      '',
      'The same loads on the floor, in the same turns. B/floor is how many times the floor\'s CPU B spends per',
      'request: above 1 by what B\'s second tier costs on this machine.',
      '',
      '| Concurrency | Floor req/s | Floor p50 ms | Floor p99 ms | Floor errors | Floor: apache2 / uwsgi / other cores | Floor: deployment CPU ms/request | B: deployment CPU ms/request | B/floor CPU per request | Floor: machine busy, ms/request |',
      '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
      ...floorRows.map(t => `| ${t.concurrency} | ${loadCells(t.floor!).join(' | ')} | ${cpuCell(t.floor!)} | ${f2(cpuMsPerRequest(t.floor!))} | `
        + `${f2(cpuMsPerRequest(t.b))} | ${f2(cpuMsPerRequest(t.b) / cpuMsPerRequest(t.floor!))} | ${machineCell(t.floor!, r.machine.cores)} |`),
      '',
    );
  }

  const httpsRows = r.throughput.filter(t => t.https);
  if (httpsRows.length > 0) {
    lines.push(
      '## B behind the HTTPS web fleet',
      '',
      `The same loads on \`${r.variants.https}\` (\`packages/example-app/src/https-web-fleet-stack.ts\`), in the same turns: B's app tier`,
      'behind two Apache servers and an Application Load Balancer that terminates TLS (HAProxy with a certificate',
      'of the deployment\'s CA, TLS 1.2 or 1.3, ECDSA P-256). wrk keeps its connections open, so the TLS cost is',
      'that of encrypting the requests, with one handshake per connection. HTTPS/B is the ratio to B.',
      '',
      '| Concurrency | HTTPS req/s | HTTPS p50 ms | HTTPS p99 ms | HTTPS errors | HTTPS: apache2 / uwsgi / other cores | HTTPS: haproxy cores (of other) | HTTPS: deployment CPU ms/request | B: deployment CPU ms/request | HTTPS/B req/s | HTTPS/B p99 | HTTPS/B CPU per request |',
      '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...httpsRows.map(t => `| ${t.concurrency} | ${loadCells(t.https!).join(' | ')} | ${cpuCell(t.https!)} | ${f1(t.https!.cpu.byProgram.haproxy ?? 0)} | ${f2(cpuMsPerRequest(t.https!))} | `
        + `${f2(cpuMsPerRequest(t.b))} | ${f2(t.https!.requestsPerSecond / t.b.requestsPerSecond)} | ${f2(t.https!.p99Ms / t.b.p99Ms)} | `
        + `${f2(cpuMsPerRequest(t.https!) / cpuMsPerRequest(t.b))} |`),
      '',
    );
  }

  const tlsRows = r.throughput.filter(t => t.https && t.httpFleet);
  if (tlsRows.length > 0) {
    lines.push(
      '### What TLS costs',
      '',
      `The same web fleet with an HTTP listener only (\`${r.variants.httpFleet}\`: no certificate), in the same turns: the HTTPS`,
      'fleet\'s CPU per request beyond it is what TLS costs, measured on the same path. TLS: HTTPS minus HTTP, in',
      'deployment CPU ms per request.',
      '',
      '| Concurrency | HTTP req/s | HTTP p50 ms | HTTP p99 ms | HTTP errors | HTTP: haproxy cores | HTTP: deployment CPU ms/request | HTTPS: deployment CPU ms/request | TLS: CPU ms/request | HTTPS/HTTP req/s | HTTPS/HTTP p99 |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...tlsRows.map(t => `| ${t.concurrency} | ${loadCells(t.httpFleet!).join(' | ')} | ${f1(t.httpFleet!.cpu.byProgram.haproxy ?? 0)} | `
        + `${f2(cpuMsPerRequest(t.httpFleet!))} | ${f2(cpuMsPerRequest(t.https!))} | ${f2(cpuMsPerRequest(t.https!) - cpuMsPerRequest(t.httpFleet!))} | `
        + `${f2(t.https!.requestsPerSecond / t.httpFleet!.requestsPerSecond)} | ${f2(t.https!.p99Ms / t.httpFleet!.p99Ms)} |`),
      '',
    );
  }

  if (r.failover) {
    const row = (name: string, x: NonNullable<BenchResults['failover']>['a']) =>
      `| ${name} | ${x.concurrency} | ${x.requests} | ${x.failedRequests} | ${x.secondsUntilNoneFail.toFixed(2)} | ${f1(x.markedUnhealthySeconds)} |`;
    lines.push(
      '## Failover: `kill -9` of one app server\'s uWSGI under load',
      '',
      'wrk loads the web server; two seconds in, one app server\'s uWSGI master is killed with SIGKILL (its',
      'workers go with it, as systemd kills the unit\'s cgroup). Failed: non-200 responses and socket errors',
      'from then on; the balancer takes the target out after its unhealthy threshold of failed checks.',
      '',
      '| Configuration | Concurrency | Requests | Failed | Seconds until none fail | Marked unhealthy after (s) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('A', r.failover.a),
      row('B', r.failover.b),
      '',
    );
  }

  if (r.scaleIn) {
    const s = r.scaleIn;
    lines.push(
      '## Scale-in under load',
      '',
      `\`${s.stack}\` scaled from ${s.from} to ${s.to} instances while wrk loads it at concurrency ${s.concurrency}: the instance`,
      'leaving is deregistered (it gets no new connections), its open connections finish within the',
      'deregistration delay (scaled like the health checks), then it stops.',
      '',
      '| Requests | Failed | Drained and stopped after (s) |',
      '| ---: | ---: | ---: |',
      `| ${s.requests} | ${s.failedRequests} | ${s.drainSeconds.toFixed(1)} |`,
      '',
    );
  }

  if (r.deploys.length > 0 || r.synthSeconds !== undefined) {
    lines.push(
      '## Local deploy and synthesis times',
      '',
      'Up: from nothing to every server provisioned (each association\'s document runs on its hosts, as SSM Agent runs it) and',
      'serving; down: until no namespace, process or rule is left. Up CPU: the CPU time, all cores together, of the tool and',
      'every process it ran while bringing the stack up (from /proc: utime and stime, with those of the children each waited',
      'for), less that of the deployments already up; other work on the machine does not count. The deployments come up one',
      'at a time, with no load; A, B and the floor stay up while the next of them comes up, the other stacks come up alone.',
      '',
      '| Stack | App hosts | Up (s) | Up CPU (s) | Up CPU per app host (s) | Then all targets healthy (s) | Down (s) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...r.deploys.map(d => `| ${d.stack} | ${d.appHosts} | ${d.upSeconds.toFixed(1)} | ${d.upCpuSeconds.toFixed(1)} | `
        + `${d.appHosts > 0 ? (d.upCpuSeconds / d.appHosts).toFixed(1) : 'n/a'} | ${d.healthySeconds.toFixed(1)} | ${d.downSeconds.toFixed(1)} |`),
      '',
    );
    if (r.synthSeconds !== undefined) lines.push(`\`cdk synth\` of the example app: ${r.synthSeconds.toFixed(1)} s.`, '');
  }

  const checks = checkTargets(r);
  if (checks.length > 0) {
    lines.push(
      '## Targets',
      '',
      '| Target | Measured | Met |',
      '| --- | --- | --- |',
      ...checks.map(c => `| ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`),
      '',
      ...explainThroughput(r),
    );
  }
  return lines.join('\n');
}

/**
 * When the throughput target is missed and the machine was saturated in both runs, says so with
 * the numbers: both configurations then share the same cores, and B/A is bounded by the ratio of
 * their CPU cost per request.
 */
export function explainThroughput(r: BenchResults): string[] {
  const t = r.throughput.find(x => x.concurrency === 32);
  if (!t || (t.b.requestsPerSecond >= 3 * t.a.requestsPerSecond && t.b.p99Ms <= t.a.p99Ms / 2)) return [];
  if (t.a.cpu.busy < 0.9 || t.b.cpu.busy < 0.9) return [];
  const costA = machineCpuMsPerRequest(t.a, r.machine.cores);
  const costB = machineCpuMsPerRequest(t.b, r.machine.cores);
  const wrk = Math.max(t.a.wrkCores, t.b.wrkCores);
  return [
    `Why the throughput and latency targets are hard to meet here: at concurrency 32 the machine's ${r.machine.cores} cores were ${pct(t.a.cpu.busy)} busy with A and `
      + `${pct(t.b.cpu.busy)} with B (wrk itself used ${f1(wrk)} core at most: the load generator is not the limit). Every tier of both `
      + 'configurations, the stand-ins for IMDS and the NLB, and whatever else runs on the machine share those cores, so each '
      + `configuration serves what its CPU cost per request allows: ${f1(costA)} ms for A, ${f1(costB)} ms for B, a ratio of `
      + `${(costA / costB).toFixed(2)}, which bounds B/A on this machine. On AWS the tiers run on their own instances (two vCPUs per app `
      + 'server by default), where A stays bound by its one single-threaded worker per app server while B\'s two processes of two '
      + 'threads use both vCPUs; that this widens the gap is an expectation from the design, not a measurement of this run. '
      + `The same saturation sets the tail: B's median at concurrency 32 is ${f1(t.b.p50Ms)} ms and its p99 ${f1(t.b.p99Ms)} ms, the time a `
      + 'request also waits for a core while every process of every tier competes for two.',
    '',
  ];
}

/** The deployment's cores by program: Apache, uWSGI (however its binary is named), and the rest. */
function cpuCell(run: LoadRun): string {
  const p = run.cpu.byProgram;
  const apache = p.apache2 ?? 0;
  const uwsgi = Object.entries(p).filter(([name]) => name.startsWith('uwsgi')).reduce((n, [, cores]) => n + cores, 0);
  return `${f1(apache)} / ${f1(uwsgi)} / ${f1(run.cpu.deploymentCores - apache - uwsgi)}`;
}

function machineCell(run: LoadRun, cores: number): string {
  return `${pct(run.cpu.busy)}, ${f2(machineCpuMsPerRequest(run, cores))}`;
}
