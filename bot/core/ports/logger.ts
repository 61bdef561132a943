/**
 * Structured logging as the core and the adapters see it. `bot/log.ts` builds the real one
 * (pino, with credential redaction); anything with these methods will do in a test.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  /** Whether a line at this level would be written; absent means every level is. */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}
