/**
 * Request ids people type back: `R` and at least seven Crockford base32 characters
 * (`R7K2M9QX`). Accepted in any case, returned upper-cased as they are stored.
 */
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

const REQUEST_ID = /^R[0-9A-HJKMNP-TV-Z]{7,}$/i;
/** Shaped like an id (an R and digits), so a failure to parse is a bad id, not a role name. */
const ID_ATTEMPT = /^R[0-9A-Z]*\d[0-9A-Z]*$/i;

export const EXAMPLE_ID = 'R7K2M9QX';

export const isRequestId = (text: string): boolean => REQUEST_ID.test(text);
export const looksLikeRequestId = (text: string): boolean => ID_ATTEMPT.test(text);

export function parseRequestId(
  text: string | undefined,
  command: string,
  example: string,
): Result<string, AppError> {
  if (text === undefined) {
    return err(
      appError('command.missing_argument', { command, argument: 'a request id', example }),
    );
  }
  if (!isRequestId(text)) return err(appError('command.bad_argument', { command, text, example }));
  return ok(text.toUpperCase());
}
