/**
 * botbuilder 4.23.3 answers 500, not 401, for a token with a bad signature, a future `nbf` or a
 * disallowed algorithm: jsonwebtoken's errors escape JwtTokenExtractor.validateToken unwrapped,
 * and CloudAdapter.process maps only AuthenticationError to 401. This subclass turns those
 * jsonwebtoken errors into AuthenticationError so a forged request reads as 401 in logs and
 * metrics. Other failures (e.g. the OpenID metadata unreachable) stay 500.
 */
import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
// botbuilder does not re-export it; CloudAdapter checks `instanceof` against this very class.
import { AuthenticationError } from 'botframework-connector';

const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

export class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof Error && TOKEN_ERRORS.has(err.name)) {
        throw new AuthenticationError(`Unauthorized. ${err.message}`, StatusCodes.UNAUTHORIZED);
      }
      throw err;
    }
  }
}
