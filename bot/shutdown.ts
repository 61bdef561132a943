/**
 * SIGTERM (and SIGINT) drain the process (DESIGN.md "Deployment"): the HTTP server stops
 * accepting and lets requests in flight finish, workers finish their running jobs or hand them
 * back, Redis closes, and the process exits 0, all within the 10 s a container runtime waits
 * before SIGKILL (docker's and compose's default; Kubernetes waits 30 s). Every step is bounded
 * so that an unreachable Redis cannot hold the exit up.
 */
import type { Server } from 'node:http';
import type { Logger } from './core/ports/logger.ts';

/** How long each part of a drain may take; together well inside 10 s. */
export const DRAIN = {
  /** Requests in flight; Slack and Teams want an answer within 3 s anyway. */
  httpMs: 3_000,
  /** Running jobs; then their connections are cut and the jobs run again on another worker. */
  jobsMs: 5_000,
  /** Everything, after which the process exits 1 whatever is left. */
  totalMs: 9_500,
} as const;

export interface SignalOptions {
  readonly log: Logger;
  readonly exit?: (code: number) => void;
  readonly totalMs?: number;
}

/** On the first SIGTERM or SIGINT, runs `stop` and exits 0; a second signal exits 1 at once. */
export function exitOnSignals(stop: () => Promise<void>, options: SignalOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { log } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without finishing the drain');
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining HTTP, jobs and Redis');
    const late = setTimeout(() => {
      log.error({ ms: options.totalMs ?? DRAIN.totalMs }, 'drain did not finish in time; exiting');
      exit(1);
    }, options.totalMs ?? DRAIN.totalMs);
    late.unref();
    stop().then(
      () => {
        clearTimeout(late);
        log.info('drained; exiting');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(late);
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'drain failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Stops accepting connections and waits for requests in flight; idle keep-alive connections
 * are closed as they become idle, and whatever is still open after `graceMs` is cut.
 */
export function drainHttp(server: Server, graceMs: number = DRAIN.httpMs): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Waits for `work` at most `ms`; whether it finished. Its failure counts as finished. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
