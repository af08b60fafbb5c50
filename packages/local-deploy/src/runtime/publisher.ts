import * as net from 'net';

/**
 * Listens on 127.0.0.1:<port> of the root namespace and hands every connection to the Unix socket
 * of the Internet namespace's forwarder: the user's curl reaches the Elastic IP as an Internet client
 * would, and the root namespace gets no address, route or firewall rule.
 */
export class Publisher {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly socketPath: string) {}

  /** Starts listening; resolves to the bound port (useful with port 0). */
  public listen(port: number): Promise<number> {
    this.server = net.createServer(client => {
      const upstream = net.connect({ path: this.socketPath });
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve((this.server!.address() as net.AddressInfo).port));
    });
  }

  public close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
