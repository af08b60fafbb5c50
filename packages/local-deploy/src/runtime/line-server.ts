import * as fs from 'fs';
import * as net from 'net';

/**
 * A Unix socket server whose clients send one request line each: the part the deployment's
 * sockets share (the hosts' programs, the `update` command). It keeps its connections so that
 * `close` ends them too, and hands each connection's first line to `onRequest`.
 */
export abstract class LineServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  /** `mode`: the socket file's permissions once it listens; none leaves the default. */
  constructor(protected readonly socketPath: string, private readonly mode?: number) {
    this.server = net.createServer(socket => this.serve(socket));
  }

  public async listen(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
    if (this.mode !== undefined) fs.chmodSync(this.socketPath, this.mode);
  }

  public close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise(resolve => this.server.close(() => resolve()));
  }

  /** Answers the request line of one connection; ends the connection when done. */
  protected abstract onRequest(line: string, socket: net.Socket): Promise<void>;

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
      void this.onRequest(buffer.slice(0, newline), socket);
    };
    socket.on('data', onData);
  }
}
