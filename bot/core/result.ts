import type { AppError } from './errors.ts';

/**
 * Expected failures are values, not exceptions (STYLE.md rule 6). Exceptions are for bugs and
 * for infrastructure that is down.
 */
export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
