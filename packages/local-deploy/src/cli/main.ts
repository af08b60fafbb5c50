#!/usr/bin/env node
import { ExitCode, LocalDeployError, UnsupportedFeatureError } from '../errors';
import { CommandName, ParsedArgs, parseArgs, USAGE } from './args';
import { benchCommand } from './commands/bench';
import { cleanCommand } from './commands/clean';
import { deployCommand } from './commands/deploy';
import { integCommand } from './commands/integ';
import { planCommand } from './commands/plan';
import { preflightCommand } from './commands/preflight';
import { reprovisionCommand } from './commands/reprovision';
import { Session } from './session';

/** One command of the tool: returns its exit code; never exits, never traps signals. */
export type Command = (args: ParsedArgs, session: Session) => Promise<ExitCode>;

const COMMANDS: Record<CommandName, Command> = {
  deploy: deployCommand,
  plan: planCommand,
  integ: integCommand,
  bench: benchCommand,
  reprovision: reprovisionCommand,
  clean: cleanCommand,
  preflight: preflightCommand,
  help: async (_args, session) => {
    session.log(USAGE);
    return ExitCode.OK;
  },
};

/** Runs one command line to its exit code. */
export async function runCommand(argv: readonly string[], session: Session): Promise<ExitCode> {
  const args = parseArgs(argv);
  return COMMANDS[args.command](args, session);
}

/** How an error that ends the tool is shown, and its exit code. Errors the tool expects carry no stack trace. */
export function describeFailure(e: unknown): { message: string; exitCode: ExitCode } {
  if (e instanceof LocalDeployError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof UnsupportedFeatureError) return { message: `The template asks for something the local deploy cannot run: ${e.message}`, exitCode: ExitCode.UNSUPPORTED_RESOURCES };
  return { message: e instanceof Error ? e.stack ?? e.message : String(e), exitCode: ExitCode.DEPLOY_FAILED };
}

/** The entry point: the only place that traps signals and exits. */
function main() {
  const session = new Session(line => process.stdout.write(`${line}\n`));
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      session.log(`\n${signal}: tearing down`);
      void session.tearDownAll().finally(() => process.exit(ExitCode.INTERRUPTED));
    });
  }
  runCommand(process.argv.slice(2), session).then(code => process.exit(code), (e: unknown) => {
    const failure = describeFailure(e);
    process.stderr.write(`${failure.message}\n`);
    process.exit(failure.exitCode);
  });
}

if (require.main === module) main();
