import * as fs from 'fs';
import * as path from 'path';
import { run } from './exec';

/** A deployment's own certificate authority: its certificate (what clients trust) and its key. */
export interface LocalCa {
  readonly dir: string;
  readonly certificateFile: string;
  readonly keyFile: string;
}

/** Days the CA and its certificates are valid: long enough for any run, short if one leaks. */
const VALIDITY_DAYS = '7';

/**
 * Creates a certificate authority in `dir` (inside the deployment's run folder, removed with it).
 * Only clients that are handed its certificate trust it: no trust store of the machine changes.
 */
export function createLocalCa(dir: string, deploymentId: string): LocalCa {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { dir, certificateFile: path.join(dir, 'ca.crt'), keyFile: path.join(dir, 'ca.key') };
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256',
    '-days', VALIDITY_DAYS, '-subj', `/O=nlb-tiers local deployment/CN=nlb-tiers local CA ${deploymentId}`,
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', ca.keyFile, '-out', ca.certificateFile]);
  return ca;
}

/**
 * Issues a server certificate for `domainNames` (the first is the subject's common name, all are
 * subject alternative names, which is what TLS clients check). Returns the PEM file that holds the
 * certificate, then the CA's, then the key: the order HAProxy's `crt` reads.
 */
export function issueCertificate(ca: LocalCa, name: string, domainNames: string[]): string {
  if (domainNames.length === 0) throw new Error(`the certificate ${name} names no domain`);
  for (const d of domainNames) {
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(d)) {
      throw new Error(`the certificate ${name} names "${d}": a DNS name (optionally starting with *.) is allowed`);
    }
  }
  const key = path.join(ca.dir, `${name}.key`);
  const csr = path.join(ca.dir, `${name}.csr`);
  const certificate = path.join(ca.dir, `${name}.crt`);
  const extensions = path.join(ca.dir, `${name}.ext`);
  fs.writeFileSync(extensions, [
    `subjectAltName=${domainNames.map(d => `DNS:${d}`).join(',')}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ].join('\n') + '\n');
  run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', `/CN=${domainNames[0]}`, '-keyout', key, '-out', csr]);
  run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.certificateFile, '-CAkey', ca.keyFile, '-CAcreateserial',
    '-days', VALIDITY_DAYS, '-sha256', '-extfile', extensions, '-out', certificate]);
  const pem = path.join(ca.dir, `${name}.pem`);
  fs.writeFileSync(pem, [certificate, ca.certificateFile, key].map(f => fs.readFileSync(f, 'utf-8')).join(''), { mode: 0o600 });
  for (const f of [csr, extensions]) fs.rmSync(f);
  return pem;
}
