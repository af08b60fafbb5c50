/**
 * Instance metadata stand-in of one host, inside the host's namespace: bound to 169.254.169.254 on a
 * high port that port 80 is redirected to.
 * Serves the IMDSv2 session-token flow; with tokens required (the launch template's
 * `HttpTokens: required`), requests without a valid token get 401 as on EC2.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { InstanceMetadata } from '../../model/topology';

const metadata: InstanceMetadata & { region: string } = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const tokens = new Map<string, number>();

const values: Record<string, string | undefined> = {
  'instance-id': metadata.instanceId,
  'instance-type': metadata.instanceType,
  'local-ipv4': metadata.localIpv4,
  'public-ipv4': metadata.publicIpv4,
  'placement/availability-zone': metadata.availabilityZone,
  'placement/region': metadata.region,
};

const server = http.createServer((req, res) => {
  const reply = (status: number, body = '') => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(body);
  };
  const url = (req.url ?? '/').replace(/\/+$/, '');
  if (url === '/latest/api/token') {
    if (req.method !== 'PUT') return reply(405);
    // EC2 refuses token requests that went through a proxy.
    if (req.headers['x-forwarded-for']) return reply(403);
    const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return reply(400);
    const token = randomBytes(32).toString('base64');
    tokens.set(token, Date.now() + ttl * 1000);
    res.setHeader('X-aws-ec2-metadata-token-ttl-seconds', String(ttl));
    return reply(200, token);
  }
  if (req.method !== 'GET') return reply(405);
  const token = req.headers['x-aws-ec2-metadata-token'];
  if (token !== undefined) {
    const expiry = tokens.get(String(token));
    if (!expiry || expiry < Date.now()) return reply(401);
  } else if (metadata.tokensRequired) {
    return reply(401);
  }
  const prefix = '/latest/meta-data';
  if (url === prefix) return reply(200, Object.keys(values).filter(k => values[k]).map(k => k.split('/')[0]).filter((k, i, a) => a.indexOf(k) === i).join('\n'));
  const value = url.startsWith(`${prefix}/`) ? values[url.slice(prefix.length + 1)] : undefined;
  return value === undefined ? reply(404) : reply(200, value);
});
server.listen(Number(process.argv[4]), process.argv[3]);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
