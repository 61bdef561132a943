/**
 * The tests' throwaway CA: made once by the global setup and written to a directory, because
 * Node reads NODE_EXTRA_CA_CERTS only when a process starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeLocalTls } from '../../adapters/entra-sim/local-tls.ts';

export async function makeTestCa(
  dir: string,
): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  const tls = await makeLocalTls('elevate test CA');
  const paths = {
    caPath: join(dir, 'ca.pem'),
    certPath: join(dir, 'server.pem'),
    keyPath: join(dir, 'server-key.pem'),
  };
  writeFileSync(paths.caPath, tls.ca);
  writeFileSync(paths.certPath, tls.cert);
  writeFileSync(paths.keyPath, tls.key);
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
