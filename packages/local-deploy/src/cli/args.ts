import { ExitCode, LocalDeployError } from '../errors';

/** The commands of `nlb-tiers-local`. */
export type CommandName = 'deploy' | 'plan' | 'integ' | 'bench' | 'bench-provisioning' | 'reprovision' | 'update' | 'clean' | 'preflight' | 'help';

/** Options shared by the commands; each command reads the ones it uses, and accepts no other. */
export interface Options {
  /** Requests sent through the web server (deploy). */
  readonly requests: number;
  /** Keep the deployment up until SIGINT or SIGTERM. */
  readonly hold: boolean;
  /** 127.0.0.1 port of the first published web server; 0 picks a free one. */
  readonly publishPort: number;
  /** Health check intervals and timeouts are multiplied by this. */
  readonly healthCheckTimeScale: number;
  /** Instances of every Auto Scaling group instead of the template's DesiredCapacity. */
  readonly desiredCapacity?: number;
  /** deploy, integ: the JSON file of the values the hosts' SSM parameters and Secrets Manager secrets hold. */
  readonly secretValues?: string;
  /** bench: the floor, a stack that serves the app with no load-balancer hop. */
  readonly floorStack?: string;
  /** bench: B's app tier behind the HTTPS web fleet, loaded through its Application Load Balancer. */
  readonly httpsStack?: string;
  /** bench: the same web fleet with an HTTP listener only, the baseline of what TLS costs. */
  readonly httpFleetStack?: string;
  /** bench: stacks deployed up and down only, for their timing and CPU time. */
  readonly scaleStacks: string[];
  /** bench: a stack whose app group is scaled in by one under load. */
  readonly scaleInStack?: string;
  /** bench: the concurrencies of the load. */
  readonly concurrencies: number[];
  /** bench: runs of each configuration, in turns, per concurrency; bench-provisioning: deployments of each assembly. */
  readonly rounds: number;
  /** bench: seconds of each run. */
  readonly durationSeconds: number;
  /** bench: concurrency of the load during the kill -9 of a uWSGI; 0 skips it. */
  readonly failoverConcurrency: number;
  /** bench: the CDK app folder whose `cdk synth` is timed. */
  readonly synthApp?: string;
  /** bench: the file the report (Markdown) is written to; none: printed. */
  readonly output?: string;
  /** preflight: install the missing Debian packages with apt-get. */
  readonly installPackages: boolean;
}

/** A command line, parsed and checked. */
export interface ParsedArgs {
  readonly command: CommandName;
  /** The command's operands, e.g. `<cdk.out> <stack>`. */
  readonly operands: string[];
  readonly options: Options;
  /** The command line as given, for reports that name it. */
  readonly argv: readonly string[];
}

export const USAGE = `Usage:
  nlb-tiers-local deploy <cdk.out> <stack> [options]              deploy, send requests, tear down
  nlb-tiers-local plan <cdk.out> <stack>                          show what would run (no root needed)
  nlb-tiers-local integ <integ folder> [options]                  deploy each integ.*.ts snapshot and run its assertions
  nlb-tiers-local bench <cdk.out> <stack A> <stack B> [options]   compare A with B (and the floor): throughput, latency,
                                                                  CPU per request, failover, deploy times; write a report
  nlb-tiers-local bench-provisioning <cdk.out before> <cdk.out after> <stack> [options]
                                                                  deploy the stack from each assembly in turns: CPU and
                                                                  time of each app host's provisioning; write a report
  nlb-tiers-local reprovision [<deployment>]                      run every association of a live (--hold) deployment again
  nlb-tiers-local update <deployment> <cdk.out> <stack>           apply a new template of the stack to a deploy --hold deployment,
                                                                  as CloudFormation would; exit 7 if it cannot (nothing changes)
  nlb-tiers-local clean                                           remove what interrupted runs left behind
  nlb-tiers-local preflight [--install-packages]                  check this machine and list the Debian packages every command needs

Options:
  --health-check-time-scale <x>   multiply health check intervals and timeouts by x (default 0.1; 0.01 to 1)
  --requests <n>                  deploy: requests sent through the web server (default 20; 0 to 10000)
  --hold                          deploy: keep the deployment up until Ctrl-C (or SIGTERM)
  --publish-port <port>           deploy: 127.0.0.1 port of the web server (default 8080; 0 picks a free one)
  --desired-capacity <n>          deploy, plan, bench-provisioning: instances of every Auto Scaling group (default: the template's; 1 to 16)
  --secret-values <file>          deploy, integ: the values of the SSM parameters and secrets the hosts read, as JSON
                                  {"ssmParameters": {"<name>": "<value>"}, "secrets": {"<name or ARN>": "<value>"}}
                                  (read at every call: edit it, then reprovision, to rotate; default: none exist)
  --floor-stack <stack>           bench: the same app behind Apache and uWSGI on one host, no load balancer
  --https-stack <stack>           bench: B's app tier behind the HTTPS web fleet (TLS at an Application Load Balancer)
  --http-fleet-stack <stack>      bench: the same web fleet with an HTTP listener only (what TLS costs, measured)
  --scale-stacks <s1,s2,...>      bench: stacks only deployed up and down, for their time and CPU time
  --scale-in-stack <stack>        bench: a stack whose app group is scaled in by one under load
  --concurrency <c1,c2,...>       bench: concurrencies of the load (default 1,8,32,64; each 1 to 256)
  --rounds <n>                    bench: runs of each configuration, in turns, per concurrency (default 3; 1 to 10);
                                  bench-provisioning: deployments of each assembly, in turns
  --duration <seconds>            bench: length of each run (default 5; 1 to 60)
  --failover-concurrency <n>      bench: load during the kill -9 of a uWSGI (default 32; 0 to 256, 0 skips it)
  --synth-app <dir>               bench: time \`cdk synth\` of the CDK app in this folder
  --output <file>                 bench, bench-provisioning: write the report (Markdown) to this file (default: print it)
  --install-packages              preflight: install the missing Debian packages with apt-get`;

type Command = Exclude<CommandName, 'help'>;
type MutableOptions = { -readonly [K in keyof Options]: Options[K] };

interface NumberSpec {
  readonly kind: 'number';
  readonly key: 'requests' | 'publishPort' | 'healthCheckTimeScale' | 'desiredCapacity' | 'rounds' | 'durationSeconds' | 'failoverConcurrency';
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}
interface NumberListSpec { readonly kind: 'numbers'; readonly key: 'concurrencies'; readonly min: number; readonly max: number }
interface TextSpec { readonly kind: 'text'; readonly key: 'floorStack' | 'httpsStack' | 'httpFleetStack' | 'scaleInStack' | 'synthApp' | 'output' | 'secretValues' }
interface TextListSpec { readonly kind: 'texts'; readonly key: 'scaleStacks' }
interface FlagSpec { readonly kind: 'flag'; readonly key: 'hold' | 'installPackages' }
type OptionSpec = (NumberSpec | NumberListSpec | TextSpec | TextListSpec | FlagSpec) & { readonly commands: readonly Command[] };

const DEPLOYING: readonly Command[] = ['deploy', 'integ', 'bench', 'bench-provisioning'];

/** What each option accepts and which commands read it; a value outside is an error, never adjusted. */
const OPTIONS: Record<string, OptionSpec> = {
  '--health-check-time-scale': { kind: 'number', key: 'healthCheckTimeScale', min: 0.01, max: 1, integer: false, commands: DEPLOYING },
  '--requests': { kind: 'number', key: 'requests', min: 0, max: 10_000, integer: true, commands: ['deploy'] },
  '--hold': { kind: 'flag', key: 'hold', commands: ['deploy'] },
  '--publish-port': { kind: 'number', key: 'publishPort', min: 0, max: 65_535, integer: true, commands: ['deploy'] },
  '--desired-capacity': { kind: 'number', key: 'desiredCapacity', min: 1, max: 16, integer: true, commands: ['deploy', 'plan', 'bench-provisioning'] },
  '--secret-values': { kind: 'text', key: 'secretValues', commands: ['deploy', 'integ'] },
  '--floor-stack': { kind: 'text', key: 'floorStack', commands: ['bench'] },
  '--https-stack': { kind: 'text', key: 'httpsStack', commands: ['bench'] },
  '--http-fleet-stack': { kind: 'text', key: 'httpFleetStack', commands: ['bench'] },
  '--scale-stacks': { kind: 'texts', key: 'scaleStacks', commands: ['bench'] },
  '--scale-in-stack': { kind: 'text', key: 'scaleInStack', commands: ['bench'] },
  '--concurrency': { kind: 'numbers', key: 'concurrencies', min: 1, max: 256, commands: ['bench'] },
  '--rounds': { kind: 'number', key: 'rounds', min: 1, max: 10, integer: true, commands: ['bench', 'bench-provisioning'] },
  '--duration': { kind: 'number', key: 'durationSeconds', min: 1, max: 60, integer: true, commands: ['bench'] },
  '--failover-concurrency': { kind: 'number', key: 'failoverConcurrency', min: 0, max: 256, integer: true, commands: ['bench'] },
  '--synth-app': { kind: 'text', key: 'synthApp', commands: ['bench'] },
  '--output': { kind: 'text', key: 'output', commands: ['bench', 'bench-provisioning'] },
  '--install-packages': { kind: 'flag', key: 'installPackages', commands: ['preflight'] },
};

export const DEFAULT_OPTIONS: Options = {
  requests: 20,
  hold: false,
  publishPort: 8080,
  healthCheckTimeScale: 0.1,
  scaleStacks: [],
  concurrencies: [1, 8, 32, 64],
  rounds: 3,
  durationSeconds: 5,
  failoverConcurrency: 32,
  installPackages: false,
};

/** The operands each command takes; `[<x>]` is optional. */
const OPERANDS: Record<Command, string[]> = {
  'deploy': ['<cdk.out>', '<stack>'],
  'plan': ['<cdk.out>', '<stack>'],
  'integ': ['<integ folder>'],
  'bench': ['<cdk.out>', '<stack A>', '<stack B>'],
  'bench-provisioning': ['<cdk.out before>', '<cdk.out after>', '<stack>'],
  'reprovision': ['[<deployment>]'],
  'update': ['<deployment>', '<cdk.out>', '<stack>'],
  'clean': [],
  'preflight': [],
};

/**
 * Parses the arguments after `nlb-tiers-local`. Pure: raises a {@link LocalDeployError} with
 * {@link ExitCode.USAGE} that says what is wrong and what is allowed; prints and exits nothing.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: MutableOptions = { ...DEFAULT_OPTIONS };
  const given: string[] = [];
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg in OPTIONS) {
      const spec = OPTIONS[arg];
      given.push(arg);
      if (spec.kind === 'flag') {
        options[spec.key] = true;
        continue;
      }
      if (i + 1 >= argv.length) throw usage(`${arg} needs a value`);
      setOption(options, arg, spec, argv[++i]);
    } else if (arg.startsWith('-')) {
      throw usage(`Unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const [command, ...operands] = positional;
  if (help || command === undefined) return { command: 'help', operands: [], options, argv };
  if (!(command in OPERANDS)) throw usage(`Unknown command "${command}"`);
  const name = command as Command;
  const wanted = OPERANDS[name];
  const required = wanted.filter(o => !o.startsWith('[')).length;
  if (operands.length < required || operands.length > wanted.length) {
    throw usage(`${name} takes ${wanted.length === 0 ? 'no operands' : wanted.join(' ')}, got ${operands.length === 0 ? 'none' : operands.join(' ')}`);
  }
  for (const option of given) {
    const commands = OPTIONS[option].commands;
    if (!commands.includes(name)) throw usage(`${option} is an option of ${commands.join(', ')}, not of ${name}`);
  }
  return { command: name, operands, options, argv };
}

function setOption(options: MutableOptions, option: string, spec: Exclude<OptionSpec, FlagSpec>, text: string) {
  switch (spec.kind) {
    case 'number':
      options[spec.key] = parseNumber(option, text, spec);
      break;
    case 'numbers':
      options[spec.key] = list(option, text).map(t => parseNumber(option, t, { ...spec, integer: true }));
      break;
    case 'text':
      if (text.trim() === '' || text.startsWith('-')) throw usage(`${option} needs a value, got "${text}"`);
      options[spec.key] = text;
      break;
    case 'texts':
      options[spec.key] = list(option, text);
      break;
  }
}

/** A comma-separated list of at least one item, without empty items. */
function list(option: string, text: string): string[] {
  const items = text.split(',').map(s => s.trim());
  if (items.some(s => s === '')) throw usage(`${option} needs a comma-separated list without empty items, got "${text}"`);
  return items;
}

function parseNumber(option: string, text: string, spec: { min: number; max: number; integer: boolean }): number {
  const n = Number(text);
  const kind = spec.integer ? 'a whole number' : 'a number';
  if (text.trim() === '' || !Number.isFinite(n) || (spec.integer && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
    throw usage(`${option} must be ${kind} from ${spec.min} to ${spec.max}, got "${text}"`);
  }
  return n;
}

function usage(message: string): LocalDeployError {
  return new LocalDeployError(`${message}\n\n${USAGE}`, ExitCode.USAGE);
}
