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
}
