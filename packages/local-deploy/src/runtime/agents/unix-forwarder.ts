/**
 * Runs inside the Internet namespace: accepts connections on a Unix socket (file system sockets
 * cross network namespaces) and forwards each one to an Elastic IP and port. The root namespace's
 * 127.0.0.1 listener connects to this socket; no address or rule is added to the root namespace.
 */
import * as fs from 'fs';
import * as net from 'net';

const [socketPath, host, port] = process.argv.slice(2);
fs.rmSync(socketPath, { force: true });
const server = net.createServer(client => {
  const upstream = net.connect({ host, port: Number(port) });
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(socketPath);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
