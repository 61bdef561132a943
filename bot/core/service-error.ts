/**
 * An outside service failed: Entra or Graph refused or did not answer, Redis is unreachable,
 * a chat platform rejected a call. Adapters throw it (or a subclass) through the ports; the
 * one handler around every chat interaction catches it, logs `code` and `fields` once and
 * shows the person `appError`. Expected refusals of a person's request stay `Result` values;
 * this is for what the person cannot fix by typing something else.
 */
import type { AppError, ErrorCode } from './errors.ts';

/** Log fields safe to write: identifiers and codes, never tokens or secrets. */
export type SafeFields = Readonly<Record<string, string | number | boolean | null>>;

export class ServiceError extends Error {
  override readonly name: string = 'ServiceError';
  /** What the person reads (from the catalogue). */
  readonly appError: AppError;
  /** The catalogue code: stable, for logs, metrics and tests. */
  readonly code: ErrorCode;
  readonly fields: SafeFields;

  /** `message` is for the log; it defaults to the catalogue message. */
  constructor(
    appError: AppError,
    options?: ErrorOptions & { message?: string; fields?: SafeFields },
  ) {
    super(options?.message ?? appError.message, options);
    this.appError = appError;
    this.code = appError.code;
    this.fields = options?.fields ?? {};
  }
}
