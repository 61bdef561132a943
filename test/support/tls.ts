/**
 * A throwaway certificate authority for HTTPS stand-ins: MSAL accepts only an https authority
 * and the Graph client sends its token only over https, so the Entra and Graph stand-ins
 * serve TLS with a certificate from this CA, which Node trusts via NODE_EXTRA_CA_CERTS.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
}

export async function makeTestCa(
  dir: string,
): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 86_400_000);
  const notAfter = new Date(Date.now() + 7 * 86_400_000);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=elevate test CA',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  const serverKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const paths = {
    caPath: join(dir, 'ca.pem'),
    certPath: join(dir, 'server.pem'),
    keyPath: join(dir, 'server-key.pem'),
  };
  writeFileSync(paths.caPath, ca.toString('pem'));
  writeFileSync(paths.certPath, server.toString('pem'));
  writeFileSync(paths.keyPath, await pkcs8Pem(serverKeys.privateKey));
  return paths;
}

/** The server certificate made by the global setup (ELEVATE_TEST_TLS_DIR). */
export function loadTestTls(): { cert: string; key: string; caPath: string } {
  const dir = process.env.ELEVATE_TEST_TLS_DIR;
  if (!dir)
    throw new Error(
      'ELEVATE_TEST_TLS_DIR is not set: run the tests through vitest (test/global-setup.ts)',
    );
  return {
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
    caPath: join(dir, 'ca.pem'),
  };
}
