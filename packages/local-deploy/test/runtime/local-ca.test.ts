import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { createLocalCa, issueCertificate } from '../../src/runtime/local-ca';

describe('the local CA', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-ca-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ca = createLocalCa(path.join(dir, 'ca'), 'test');
  const pem = issueCertificate(ca, 'site', ['site.example.com', 'www.example.com']);

  /** Serves the certificate on 127.0.0.1 and connects as a client that trusts only the CA. */
  async function handshake(servername: string, trusted: string | undefined): Promise<string> {
    const text = fs.readFileSync(pem, 'utf-8');
    const server = https.createServer({ cert: text, key: text }, (_req, res) => res.end('ok'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as any).port;
    try {
      return await new Promise(resolve => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername, ...(trusted ? { ca: trusted } : {}) }, () => {
          socket.end();
          resolve('trusted');
        });
        socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
        socket.on('error', e => resolve((e as any).code ?? e.message));
      });
    } finally {
      server.close();
    }
  }

  test('its key stays in its folder, readable by its owner only', () => {
    // Neither group nor others have any permission bit.
    expect((fs.statSync(ca.dir).mode % 0o100).toString(8).padStart(2, '0')).toBe('00');
    expect((fs.statSync(pem).mode % 0o100).toString(8).padStart(2, '0')).toBe('00');
    expect(path.dirname(ca.keyFile)).toBe(ca.dir);
  });

  test('a client that is handed the CA trusts the certificate for each of its names', async () => {
    const trusted = fs.readFileSync(ca.certificateFile, 'utf-8');
    expect(await handshake('site.example.com', trusted)).toBe('trusted');
    expect(await handshake('www.example.com', trusted)).toBe('trusted');
  });

  test('a client is not fooled: another name fails, and so does the default trust store', async () => {
    expect(await handshake('other.example.com', fs.readFileSync(ca.certificateFile, 'utf-8'))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await handshake('site.example.com', undefined)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
  });

  test('names that are not DNS names are refused, saying what is allowed', () => {
    expect(() => issueCertificate(ca, 'bad', ['a b.example.com'])).toThrow(/names "a b.example.com": a DNS name \(optionally starting with \*\.\) is allowed/);
    expect(() => issueCertificate(ca, 'none', [])).toThrow(/names no domain/);
  });
});
