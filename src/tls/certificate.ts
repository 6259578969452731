// TLS material: the configured certificate, or a self-signed one for localhost made on first run
// and kept in the data dir (so curl --cacert can pin it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
  readonly selfSigned: boolean;
}

export async function ensureCertificate(config: Config): Promise<TlsMaterial> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { key: readFileSync(config.tlsKeyFile, 'utf8'), cert: readFileSync(config.tlsCertFile, 'utf8'), certFile: config.tlsCertFile, selfSigned: false };
  }
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true });
    const notAfter = new Date();
    notAfter.setFullYear(notAfter.getFullYear() + 2);
    const { generate } = await import('selfsigned'); // only when a certificate is made
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
      ],
    });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, selfSigned: true };
}
