#!/usr/bin/env node
import { ExitCode } from '../errors';
import { CommandName, ParsedArgs, parseArgs, USAGE } from './args';
import { benchCommand } from './commands/bench';
import { benchProvisioningCommand } from './commands/bench-provisioning';
import { cleanCommand } from './commands/clean';
import { deployCommand } from './commands/deploy';
import { integCommand } from './commands/integ';
import { planCommand } from './commands/plan';
import { preflightCommand } from './commands/preflight';
import { reprovisionCommand } from './commands/reprovision';
import { updateCommand } from './commands/update';
import { describeFailure } from './describe';
import { Session } from './session';

/** One command of the tool: returns its exit code; never exits, never traps signals. */
export type Command = (args: ParsedArgs, session: Session) => Promise<ExitCode>;

const COMMANDS: Record<CommandName, Command> = {
  'deploy': deployCommand,
  'plan': planCommand,
  'integ': integCommand,
  'bench': benchCommand,
  'bench-provisioning': benchProvisioningCommand,
  'reprovision': reprovisionCommand,
  'update': updateCommand,
  'clean': cleanCommand,
  'preflight': preflightCommand,
  'help': async (_args, session) => {
    session.log(USAGE);
    return ExitCode.OK;
  },
};

export { describeFailure };

/** Runs one command line to its exit code. */
export async function runCommand(argv: readonly string[], session: Session): Promise<ExitCode> {
  const args = parseArgs(argv);
  return COMMANDS[args.command](args, session);
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
