import * as fs from 'fs';
import * as net from 'net';

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
export class CommandSocketServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private busy = false;

  constructor(private readonly socketPath: string, private readonly handler: CommandHandler, private readonly busyExitCode: number) {
    this.server = net.createServer(socket => this.serve(socket));
  }

  public async listen(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
    fs.chmodSync(this.socketPath, 0o600);
  }

  public close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise(resolve => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf-8');
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.off('data', onData);
      void this.run(buffer.slice(0, newline), socket);
    };
    socket.on('data', onData);
  }

  private async run(line: string, socket: net.Socket) {
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
