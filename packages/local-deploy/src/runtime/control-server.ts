import * as net from 'net';
import { LineServer } from './line-server';

/** The socket file of a host's init system, in its control folder (the host sees it under /run/nlb-tiers-local). */
export const SYSTEMD_SOCKET = 'systemd.sock';
/** The socket file where the host's cfn-signal reaches the deployment's stand-in for CloudFormation. */
export const CFN_SIGNAL_SOCKET = 'cfn-signal.sock';

/** What a program of the host prints and exits with, as the tool answers for it. */
export interface ProgramResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Answers one call of a host's program (its arguments, without the program name). */
export type ProgramHandler = (argv: string[]) => Promise<ProgramResult>;

/**
 * Serves one program of one host (`systemctl`, `cfn-signal`): one JSON line `{"argv": [...]}` in,
 * one JSON answer `{"exitCode", "stdout", "stderr"}` out. The socket lives in the host's control
 * folder, which only that host (and the tool) can reach, so the connection itself says which
 * host asks.
 */
export class ControlServer extends LineServer {
  /** `program` names the program in the answer to a malformed request or a failure of the handler. */
  constructor(socketPath: string, private readonly program: string, private readonly handler: ProgramHandler,
    private readonly onError: (e: Error) => void) {
    super(socketPath);
  }

  protected async onRequest(line: string, socket: net.Socket) {
    socket.end(JSON.stringify(await this.answer(line)));
  }

  private async answer(line: string): Promise<ProgramResult> {
    try {
      const request = JSON.parse(line) as { argv?: unknown };
      if (!Array.isArray(request.argv) || !request.argv.every(a => typeof a === 'string')) {
        return { exitCode: 1, stdout: '', stderr: `${this.program}: malformed request\n` };
      }
      return await this.handler(request.argv as string[]);
    } catch (e) {
      // A bug of the tool: the host's program fails, and the tool shows the stack trace.
      this.onError(e as Error);
      return { exitCode: 1, stdout: '', stderr: `${this.program}: the local deploy failed: ${(e as Error).message}\n` };
    }
  }
}
