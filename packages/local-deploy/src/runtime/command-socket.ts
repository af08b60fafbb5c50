import * as net from 'net';
import { LineServer } from './line-server';

/** What a command sent to the process that holds a deployment prints, line by line, and ends with. */
export type CommandHandler = (request: unknown, log: (line: string) => void) => Promise<number>;

/** One line the server sends: a line of output, or the command's exit code (the last). */
type Message = { readonly line: string } | { readonly exitCode: number };

/**
 * A Unix socket in a deployment's run folder through which another process of the tool asks the
 * process that holds the deployment up to act on it, since that process owns its hosts, processes
 * and namespaces: one JSON request line in; JSON lines out, `{"line"}` as the command runs and
 * `{"exitCode"}` at its end. One command at a time: another one meanwhile is refused. The socket
 * is root's only (mode 0600), as the deployment is.
 */
export class CommandSocketServer extends LineServer {
  private busy = false;

  constructor(socketPath: string, private readonly handler: CommandHandler, private readonly busyExitCode: number) {
    super(socketPath, 0o600);
  }

  protected async onRequest(line: string, socket: net.Socket) {
    const send = (m: Message) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(m)}\n`);
    };
    if (this.busy) {
      send({ line: 'Another command on this deployment is under way: try again once it ended.' });
      send({ exitCode: this.busyExitCode });
      socket.end();
      return;
    }
    this.busy = true;
    try {
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        request = undefined;
      }
      send({ exitCode: await this.handler(request, l => send({ line: l })) });
    } finally {
      this.busy = false;
      socket.end();
    }
  }
}

/**
 * Sends one request to a {@link CommandSocketServer} and hands each line of its output to `onLine`;
 * resolves to the command's exit code, or undefined when the connection ended before it (the
 * holding process stopped).
 */
export function sendCommand(socketPath: string, request: unknown, onLine: (line: string) => void): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    let exitCode: number | undefined;
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', chunk => {
      buffer += chunk.toString('utf-8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline)) as Message;
        buffer = buffer.slice(newline + 1);
        if ('line' in message) onLine(message.line);
        else exitCode = message.exitCode;
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(exitCode));
  });
}
