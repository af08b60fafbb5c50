import { ExitCode, LocalDeployError } from '../errors';

/** The commands of `nlb-tiers-local`. */
export type CommandName = 'deploy' | 'plan' | 'integ' | 'bench' | 'reprovision' | 'clean' | 'preflight' | 'help';

/** Options shared by the commands; each command reads the ones it uses. */
export interface Options {
  /** Requests sent through the web server (deploy), or per measurement (bench). */
  readonly requests: number;
  /** Concurrent requests of bench's throughput run. */
  readonly concurrency: number;
  /** File bench appends its results to, one JSON line per run. */
  readonly output?: string;
  /** Keep the deployment up until SIGINT or SIGTERM. */
  readonly hold: boolean;
  /** 127.0.0.1 port of the first published web server; 0 picks a free one. */
  readonly publishPort: number;
  /** Health check intervals and timeouts are multiplied by this. */
  readonly healthCheckTimeScale: number;
  /** Instances of every Auto Scaling group instead of the template's DesiredCapacity. */
  readonly desiredCapacity?: number;
  /** preflight: install the missing Debian packages with apt-get. */
  readonly installPackages: boolean;
}

/** A command line, parsed and checked. */
export interface ParsedArgs {
  readonly command: CommandName;
  /** The command's operands, e.g. `<cdk.out> <stack>`. */
  readonly operands: string[];
  readonly options: Options;
}

export const USAGE = `Usage:
  nlb-tiers-local deploy <cdk.out> <stack> [options]   deploy, send requests, tear down
  nlb-tiers-local plan <cdk.out> <stack>               show what would run (no root needed)
  nlb-tiers-local integ <integ folder> [options]       deploy each integ.*.ts snapshot and run its assertions
  nlb-tiers-local bench <cdk.out> <stack> [options]    measure latency, throughput and failover time
  nlb-tiers-local reprovision [<deployment>]           run every association of a live (--hold) deployment again
  nlb-tiers-local clean                                remove what interrupted runs left behind
  nlb-tiers-local preflight [--install-packages]       check this machine and list the Debian packages every command needs

Options:
  --requests <n>                  requests sent through the web server (default 20; 0 to 10000)
  --hold                          keep the deployment up until Ctrl-C (or SIGTERM)
  --publish-port <port>           127.0.0.1 port of the web server (default 8080; 0 picks a free one)
  --health-check-time-scale <x>   multiply health check intervals and timeouts by x (default 0.1; 0.01 to 1)
  --desired-capacity <n>          instances of every Auto Scaling group (default: the template's; 1 to 16)
  --concurrency <n>               bench: concurrent requests of the throughput run (default 4; 1 to 64)
  --output <file>                 bench: append the results to this file, one JSON line per run
  --install-packages              preflight: install the missing Debian packages with apt-get`;

/** What each option accepts; a value outside is an error, never adjusted. */
const NUMBER_OPTIONS = {
  '--requests': { key: 'requests', min: 0, max: 10_000, integer: true },
  '--concurrency': { key: 'concurrency', min: 1, max: 64, integer: true },
  '--publish-port': { key: 'publishPort', min: 0, max: 65_535, integer: true },
  '--health-check-time-scale': { key: 'healthCheckTimeScale', min: 0.01, max: 1, integer: false },
  '--desired-capacity': { key: 'desiredCapacity', min: 1, max: 16, integer: true },
} as const;

export const DEFAULT_OPTIONS: Options = {
  requests: 20, concurrency: 4, hold: false, publishPort: 8080, healthCheckTimeScale: 0.1, installPackages: false,
};

/** The operands each command takes; `[<x>]` is optional. */
const OPERANDS: Record<Exclude<CommandName, 'help'>, string[]> = {
  deploy: ['<cdk.out>', '<stack>'],
  plan: ['<cdk.out>', '<stack>'],
  integ: ['<integ folder>'],
  bench: ['<cdk.out>', '<stack>'],
  reprovision: ['[<deployment>]'],
  clean: [],
  preflight: [],
};

/**
 * Parses the arguments after `nlb-tiers-local`. Pure: raises a {@link LocalDeployError} with
 * {@link ExitCode.USAGE} that says what is wrong and what is allowed; prints and exits nothing.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: { -readonly [K in keyof Options]: Options[K] } = { ...DEFAULT_OPTIONS };
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--hold') {options.hold = true;} else if (arg === '--install-packages') {options.installPackages = true;} else if (arg === '--output') {options.output = value();} else if (arg === '--help' || arg === '-h') {help = true;} else if (arg in NUMBER_OPTIONS) {
      const spec = NUMBER_OPTIONS[arg as keyof typeof NUMBER_OPTIONS];
      options[spec.key] = parseNumber(arg, value(), spec);
    } else if (arg.startsWith('-')) {throw usage(`Unknown option ${arg}`);} else {positional.push(arg);}
  }
  const [command, ...operands] = positional;
  if (help || command === undefined) return { command: 'help', operands: [], options };
  if (!(command in OPERANDS)) throw usage(`Unknown command "${command}"`);
  const name = command as keyof typeof OPERANDS;
  const wanted = OPERANDS[name];
  const required = wanted.filter(o => !o.startsWith('[')).length;
  if (operands.length < required || operands.length > wanted.length) {
    throw usage(`${name} takes ${wanted.length === 0 ? 'no operands' : wanted.join(' ')}, got ${operands.length === 0 ? 'none' : operands.join(' ')}`);
  }
  return { command: name, operands, options };
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
