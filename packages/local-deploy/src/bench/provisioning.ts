import * as os from 'os';
import { machineInfo, targetHosts } from './compare';
import { MachineInfo } from './results';
import { LocalDeployment } from '../deploy/deployment';
import { Topology } from '../model/topology';

/** What a `bench-provisioning` run compares: one stack from two assemblies, deployed in turns. */
export interface ProvisioningBenchPlan {
  /** The stack as mapped from each assembly. */
  readonly before: Topology;
  readonly after: Topology;
  /** The assemblies' folders, as the report names them. */
  readonly beforeAssembly: string;
  readonly afterAssembly: string;
  readonly rounds: number;
  /** The command line, as the report shows it. */
  readonly command: string;
}

/** What the caller provides: logging, and bringing a topology up and down. */
export interface ProvisioningBenchHooks {
  readonly log: (line: string) => void;
  readonly deploy: (topology: Topology) => Promise<LocalDeployment>;
  readonly tearDown: (deployment: LocalDeployment) => Promise<number>;
}

/** One deployment of one variant. */
export interface ProvisioningSample {
  /** The machine's 1-minute load average just before the deployment. */
  readonly loadBefore: number;
  /** From nothing to every server provisioned and serving: each app host's launch to serving, the slowest's. */
  readonly upSeconds: number;
  /** Per app host: CPU seconds of its shell steps (the playbook run's process tree), and their wall seconds. */
  readonly hosts: ReadonlyArray<{ readonly host: string; readonly cpuSeconds: number; readonly wallSeconds: number }>;
}

/** A whole run: the samples of each variant, round by round. */
export interface ProvisioningBenchResults {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly stack: string;
  readonly beforeAssembly: string;
  readonly afterAssembly: string;
  readonly before: ProvisioningSample[];
  readonly after: ProvisioningSample[];
}

/** Deploys the stack from each assembly in turns (before, after, before, ...) and reads what provisioning cost. */
export async function runProvisioningBench(plan: ProvisioningBenchPlan, hooks: ProvisioningBenchHooks): Promise<ProvisioningBenchResults> {
  const machine = machineInfo();
  const before: ProvisioningSample[] = [];
  const after: ProvisioningSample[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    for (const [name, topology, samples] of [['before', plan.before, before], ['after', plan.after, after]] as const) {
      const sample = await deployOnce(topology, hooks);
      samples.push(sample);
      hooks.log(`round ${round} ${name}: up in ${sample.upSeconds.toFixed(1)} s (load ${sample.loadBefore.toFixed(1)}), `
        + sample.hosts.map(h => `${h.host} ${h.cpuSeconds.toFixed(2)} CPU s in ${h.wallSeconds.toFixed(1)} s`).join(', '));
    }
  }
  return {
    date: new Date().toISOString(),
    command: plan.command,
    machine,
    stack: plan.after.stackName,
    beforeAssembly: plan.beforeAssembly,
    afterAssembly: plan.afterAssembly,
    before,
    after,
  };
}

async function deployOnce(topology: Topology, hooks: ProvisioningBenchHooks): Promise<ProvisioningSample> {
  const loadBefore = os.loadavg()[0];
  const started = Date.now();
  const deployment = await hooks.deploy(topology);
  try {
    const upSeconds = (Date.now() - started) / 1000;
    const apps = new Set(targetHosts(topology).map(h => h.name));
    const hosts = deployment.provisioning.filter(p => apps.has(p.host)).map(p => {
      const steps = p.runs.flatMap(r => r.steps).filter(s => s.action === 'aws:runShellScript');
      if (steps.some(s => s.cpuSeconds === undefined)) throw new Error(`${p.host}: a provisioning step reported no CPU time`);
      return {
        host: p.host,
        cpuSeconds: steps.reduce((n, s) => n + s.cpuSeconds!, 0),
        wallSeconds: steps.reduce((n, s) => n + s.durationMs, 0) / 1000,
      };
    });
    if (hosts.length === 0) throw new Error(`${topology.stackName} has no provisioned app host (a target of a load balancer) to measure`);
    return { loadBefore, upSeconds, hosts };
  } finally {
    await hooks.tearDown(deployment);
  }
}

/** The median (the lower middle one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** A sample's numbers per app host: the mean over its app hosts. */
const perHost = (s: ProvisioningSample, key: 'cpuSeconds' | 'wallSeconds') => mean(s.hosts.map(h => h[key]));
const change = (before: number, after: number) => `${after >= before ? '+' : ''}${((after / before - 1) * 100).toFixed(0)} %`;

/** The medians over the rounds: CPU and wall seconds per app host, and the up time. */
export function provisioningMedians(samples: ProvisioningSample[]) {
  return {
    cpuSeconds: median(samples.map(s => perHost(s, 'cpuSeconds'))),
    wallSeconds: median(samples.map(s => perHost(s, 'wallSeconds'))),
    upSeconds: median(samples.map(s => s.upSeconds)),
  };
}

/** The report, as Markdown (docs/provisioning-cost.md). */
export function renderProvisioningBench(r: ProvisioningBenchResults): string {
  const m = r.machine;
  const b = provisioningMedians(r.before);
  const a = provisioningMedians(r.after);
  const appHosts = r.after[0]?.hosts.length ?? 0;
  const lines = [
    '# What provisioning an app host costs: the playbook before and after its cuts',
    '',
    '<!-- Written by `npx projen bench:provisioning` (packages/local-deploy/src/bench/provisioning.ts). Do not edit: run it again. -->',
    '',
    `Run on ${r.date}: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB of memory, ${m.os}; the machine is shared, `
    + 'so the 1-minute load average before each deployment is given.',
    '',
    `Command: \`${r.command}\``,
    '',
    `Stack \`${r.stack}\` (${appHosts} app host${appHosts === 1 ? '' : 's'}), deployed from two assemblies in turns (before, after, before, ...) `
    + 'by the same build of `nlb-tiers-local`, so that other work on the machine weighs on both alike; each deployment is torn down before the next.',
    `Before: \`${r.beforeAssembly}\`; after: \`${r.afterAssembly}\`.`,
    '',
    '- **Provisioning CPU per app host**: user + system seconds of the app host\'s shell steps, i.e. the document\'s `runPlaybook` script and',
    '  every process it waited for (`ansible-playbook`, its modules, dnf, pip, the check), from `wait4(2)` (see',
    '  packages/local-deploy/src/provisioning/rusage.ts). The uWSGI that systemd starts, and its reloads, are not its children: not counted.',
    '  The mean over the app hosts of a deployment.',
    '- **Playbook wall**: the seconds of those steps, per app host.',
    '- **Up**: from nothing to every server provisioned and serving (the web server provisions alongside): the launch-to-serving time of',
    '  the slowest app host.',
    '',
    '| Round | Load before | Provisioning CPU per app host (s) before / after | Playbook wall (s) before / after | Up (s) before / after |',
    '| ---: | --- | --- | --- | --- |',
    ...r.before.map((s, i) => {
      const t = r.after[i];
      return `| ${i + 1} | ${s.loadBefore.toFixed(1)} / ${t.loadBefore.toFixed(1)} | ${perHost(s, 'cpuSeconds').toFixed(2)} / ${perHost(t, 'cpuSeconds').toFixed(2)} `
        + `| ${perHost(s, 'wallSeconds').toFixed(1)} / ${perHost(t, 'wallSeconds').toFixed(1)} | ${s.upSeconds.toFixed(1)} / ${t.upSeconds.toFixed(1)} |`;
    }),
    `| **Median** | | **${b.cpuSeconds.toFixed(2)} / ${a.cpuSeconds.toFixed(2)} (${change(b.cpuSeconds, a.cpuSeconds)})** `
    + `| **${b.wallSeconds.toFixed(1)} / ${a.wallSeconds.toFixed(1)} (${change(b.wallSeconds, a.wallSeconds)})** `
    + `| **${b.upSeconds.toFixed(1)} / ${a.upSeconds.toFixed(1)} (${change(b.upSeconds, a.upSeconds)})** |`,
    '',
    `Provisioning CPU per app host after is ${(a.cpuSeconds / b.cpuSeconds).toFixed(2)} of before (median of ${r.before.length} rounds).`,
    '',
  ];
  return lines.join('\n');
}
