import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { haproxyConfig, ProxyConfig, redirectLocation } from '../../src/runtime/haproxy-config';
import { createLocalCa, issueCertificate } from '../../src/runtime/local-ca';
import { describeWhen } from '../machine-requirements';

const TG = 'arn:aws:elasticloadbalancing:local-1:123456789012:targetgroup/WebFleetTargetGroup017E0/0123456789abcdef';
const TO_HTTPS = { protocol: 'HTTPS', host: '#{host}', port: '443', path: '/#{path}', query: '#{query}', statusCode: 301 as const };

function config(overrides: Partial<ProxyConfig> = {}): ProxyConfig {
  return {
    address: '10.0.0.10',
    pidFile: '/run/x/haproxy.pid',
    forwards: [{
      port: 443,
      tls: { pemFile: '/run/x/site.pem', minimumTlsVersion: '1.2' },
      targetGroupArn: TG,
      targets: [
        { id: 'i-1', address: '10.0.2.11', port: 80 }, { id: 'i-2', address: '10.0.3.11', port: 80 },
      ],
    }],
    redirects: [{ port: 80, redirect: TO_HTTPS }],
    ...overrides,
  };
}

describe('haproxyConfig', () => {
  test('an HTTPS listener terminates TLS with the certificate, from the policy\'s lowest version, and forwards round robin to the targets in service', () => {
    const text = haproxyConfig(config());
    expect(text).toContain('  bind 10.0.0.10:443 ssl crt /run/x/site.pem ssl-min-ver TLSv1.2\n');
    expect(text).toContain('backend tg-WebFleetTargetGroup017E0-0123456789abcdef\n  balance roundrobin\n  server i-1 10.0.2.11:80\n  server i-2 10.0.3.11:80\n');
    expect(text).toContain('  option forwardfor\n  http-request set-header X-Forwarded-Proto https\n  http-request set-header X-Forwarded-Port 443\n');
    expect(text).toContain('  pidfile /run/x/haproxy.pid\n');
  });

  test('the HTTP listener answers every request with a 301 to HTTPS, keeping host, path and query', () => {
    const text = haproxyConfig(config());
    expect(text).toContain('frontend listener-80\n  bind 10.0.0.10:80\n' +
      '  http-request redirect location https://%[req.hdr(host),field(1,:)]/%[path,regsub(^/,)]?%[query] code 301 if { query -m found }\n' +
      '  http-request redirect location https://%[req.hdr(host),field(1,:)]/%[path,regsub(^/,)] code 301\n');
  });

  test('a target group without targets in service is a backend without servers (HAProxy answers 503, as an ALB does)', () => {
    const text = haproxyConfig(config({ forwards: [{ ...config().forwards[0], targets: [] }] }));
    expect(text).toMatch(/backend tg-\S+\n {2}balance roundrobin\n(?! {2}server)/);
  });

  test('redirect locations: a fixed host and path, a port that is not the default, literal percent signs', () => {
    expect(redirectLocation({ ...TO_HTTPS, host: 'new.#{host}', port: '8443', path: '/v2/#{path}' }, 'http', 80))
      .toBe('https://new.%[req.hdr(host),field(1,:)]:8443/v2/%[path,regsub(^/,)]');
    expect(redirectLocation({ ...TO_HTTPS, protocol: '#{protocol}', port: '#{port}', path: '/100%' }, 'http', 8080))
      .toBe('http://%[req.hdr(host),field(1,:)]:8080/100%%');
  });
});

const HAS_HAPROXY = spawnSync('haproxy', ['-v']).status === 0;

describeWhen(HAS_HAPROXY, 'HAProxy (apt-get install haproxy)')('HAProxy runs the configuration (on 127.0.0.1)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-haproxy-'));
  let proxy: ChildProcess | undefined;
  let target: http.Server;
  let ports: { http: number; https: number };
  let caText: string;

  async function freePort(): Promise<number> {
    const s = net.createServer();
    await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise(resolve => s.close(resolve));
    return port;
  }

  beforeAll(async () => {
    const ca = createLocalCa(path.join(dir, 'ca'), 'test');
    caText = fs.readFileSync(ca.certificateFile, 'utf-8');
    const pemFile = issueCertificate(ca, 'site', ['site.example.com']);
    target = http.createServer((req, res) => res.end(`${req.url} ${req.headers['x-forwarded-proto']}`));
    await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve));
    ports = { http: await freePort(), https: await freePort() };
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, haproxyConfig({
      address: '127.0.0.1',
      pidFile: path.join(dir, 'haproxy.pid'),
      forwards: [{
        port: ports.https,
        tls: { pemFile, minimumTlsVersion: '1.2' },
        targetGroupArn: TG,
        targets: [{ id: 'i-1', address: '127.0.0.1', port: (target.address() as net.AddressInfo).port }],
      }],
      redirects: [{ port: ports.http, redirect: { ...TO_HTTPS, port: String(ports.https) } }],
    }));
    expect(spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf-8' }).status).toBe(0);
    proxy = spawn('haproxy', ['-W', '-f', file], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(path.join(dir, 'haproxy.pid')) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    await new Promise(r => setTimeout(r, 300));
  }, 60_000);

  afterAll(async () => {
    if (proxy?.pid) process.kill(proxy.pid, 'SIGTERM');
    await new Promise(resolve => target.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function request(options: https.RequestOptions, secure: boolean): Promise<{ status?: number; location?: string; body: string; error?: string }> {
    return new Promise(resolve => {
      const req = (secure ? https : http).get({ host: '127.0.0.1', timeout: 5000, agent: false, ...options }, res => {
        let body = '';
        res.on('data', c => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', e => resolve({ body: '', error: (e as any).code ?? e.message }));
    });
  }

  test('HTTP answers 301 with the HTTPS Location of the same host, path and query', async () => {
    const r = await request({ port: ports.http, path: '/a/b?x=1', headers: { Host: `site.example.com:${ports.http}` } }, false);
    expect(r).toMatchObject({ status: 301, location: `https://site.example.com:${ports.https}/a/b?x=1` });
  });

  test('HTTPS with the CA reaches the target, which sees X-Forwarded-Proto https', async () => {
    const r = await request({ port: ports.https, path: '/hello', servername: 'site.example.com', ca: caText }, true);
    expect(r).toMatchObject({ status: 200, body: '/hello https' });
  });

  test('a reload (new targets in service) leaves an idle keep-alive connection open: its next request is answered, then it closes', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: ports.https, servername: 'site.example.com', ca: caText });
    let received = '';
    let closed = false;
    socket.on('data', d => { received += d; });
    socket.on('close', () => { closed = true; });
    socket.on('error', () => undefined);
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!condition() && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
    };
    const get = 'GET /keep HTTP/1.1\r\nHost: site.example.com\r\n\r\n';
    await new Promise(resolve => socket.once('secureConnect', resolve));
    socket.write(get);
    await until(() => received.includes('/keep https'));
    expect(received).toMatch(/^HTTP\/1\.1 200/);

    // The health checker's reload: SIGUSR2 to the master; the old worker soft-stops.
    process.kill(proxy!.pid!, 'SIGUSR2');
    await new Promise(r => setTimeout(r, 1000));
    expect(closed).toBe(false);

    received = '';
    socket.write(get);
    await until(() => closed);
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
    expect(closed).toBe(true);
  });

  test('TLS 1.1 is refused (the policy\'s minimum is 1.2)', async () => {
    const r = await request({ port: ports.https, servername: 'site.example.com', ca: caText, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, true);
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });
});
