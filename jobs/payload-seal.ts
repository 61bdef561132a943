/**
 * Seals on job payloads. BullMQ keeps a job's data in a Redis hash that anyone who can write
 * Redis can rewrite, or add a job of their own to a queue. A payload carries a seal (an HMAC,
 * bot/core/ports/integrity.ts) bound to the queue, the job name and the job id, so a payload
 * pointed at another request, copied to another job, or made up is refused before it runs.
 */
import type { Integrity } from '../bot/core/ports/integrity.ts';

/** What a seal is bound to besides the payload. */
const sealName = (queue: string, name: string, id: string): string => `${queue}\0${name}\0${id}`;

/** The payload's seal. `text` is the payload's content in a fixed form (the request id). */
export const sealJob = (key: Integrity, queue: string, name: string, id: string, text: string) =>
  key.seal('job', sealName(queue, name, id), text);

export interface SealedJob {
  readonly id?: string | undefined;
  readonly name: string;
}

/**
 * True when the job's seal checks; otherwise reports it and returns false, so the caller can
 * stop the job without running it.
 */
export function checkJob(
  key: Integrity,
  queue: string,
  job: SealedJob,
  text: string,
  seal: unknown,
): boolean {
  const id = job.id ?? '';
  if (typeof seal === 'string' && key.check('job', sealName(queue, job.name, id), text, seal)) {
    return true;
  }
  key.refused({
    kind: 'job',
    name: `${queue}:${id}`,
    problem: typeof seal === 'string' ? 'its seal does not match its payload' : 'it has no seal',
  });
  return false;
}
