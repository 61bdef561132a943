/**
 * Once per test run: a throwaway CA whose certificate Node trusts in the test workers
 * (NODE_EXTRA_CA_CERTS is read when a process starts, and the workers start after this).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa } from './support/tls.ts';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-tls-'));
  const { caPath } = await makeTestCa(dir);
  process.env.NODE_EXTRA_CA_CERTS = caPath;
  process.env.ELEVATE_TEST_TLS_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
