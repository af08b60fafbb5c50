import * as path from 'path';
import { JsonFile, Project, Task } from 'projen';

/** One step of the root build: a projen task of one package (or of the root). */
export interface BuildJob {
  /** Unique name, `<package>:<step>`, as the build log and its timing table show it. */
  readonly name: string;
  /** The projen task to run. */
  readonly task: Task;
  /** The project that owns the task: it runs in that project's folder. */
  readonly project: Project;
  /** Jobs that must pass before this one starts. */
  readonly needs?: BuildJob[];
}

/**
 * The root build's steps as a graph, run by scripts/run-graph.mjs: each step as soon as what it
 * needs has passed, as many side by side as the machine has cores.
 *
 * Every step is a projen task of its package, so each runs alone too
 * (`cd packages/core && npx projen docgen`); the graph only decides order and parallelism, and
 * that no step runs twice. Jobs are listed longest chain first: the runner starts ready jobs in
 * this order.
 */
export class BuildGraph {
  private readonly jobs: BuildJob[] = [];

  constructor(private readonly root: Project, private readonly file = '.projen/build-graph.json') {
    new JsonFile(root, file, {
      obj: { root: '..', jobs: () => this.render() },
      marker: true,
    });
  }

  /** Adds a job; returns it, for other jobs to need. */
  add(job: BuildJob): BuildJob {
    if (this.jobs.some(j => j.name === job.name)) throw new Error(`build graph: job ${job.name} added twice`);
    for (const need of job.needs ?? []) {
      if (!this.jobs.includes(need)) throw new Error(`build graph: ${job.name} needs ${need.name}, which must be added first`);
    }
    this.jobs.push(job);
    return job;
  }

  /** The command that runs the graph, for a root task to exec. */
  get command(): string {
    return `node scripts/run-graph.mjs ${this.file}`;
  }

  private render() {
    return this.jobs.map(j => ({
      name: j.name,
      cwd: path.relative(this.root.outdir, j.project.outdir) || '.',
      task: j.task.name,
      needs: (j.needs ?? []).map(n => n.name),
    }));
  }
}
