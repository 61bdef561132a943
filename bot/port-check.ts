/**
 * One process per port. `npm start` looks at its port before it touches anything (a second
 * sandbox would otherwise clear the running one's Redis keys), and a port taken between that
 * look and the listen is one clear line too, never a stack trace.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

const PROBE_TIMEOUT_MS = 1_500;

const inUse = (port: number, by: 'elevate' | 'program') =>
  new PortInUseError(
    `port ${port} is in use by ${by === 'elevate' ? 'another elevate' : 'another program'}: stop it or set PORT`,
  );

/**
 * Throws PortInUseError when something answers on the port: another elevate (its /healthz
 * says so) or another program. Port 0 (any free port) is never busy.
 */
export async function refuseBusyPort(port: number): Promise<void> {
  if (port === 0) return;
  let answer: Response;
  try {
    answer = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    if (refused(error)) return;
    throw inUse(port, 'program');
  }
  const body = (await answer.json().catch(() => null)) as { service?: unknown } | null;
  throw inUse(port, body?.service === 'elevate' ? 'elevate' : 'program');
}

/** server.listen that rejects with PortInUseError on EADDRINUSE instead of crashing. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? inUse(port, 'program') : error);
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function refused(error: unknown): boolean {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}
