import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../bot/core/ports/logger.ts';

/**
 * Bolt's logger interface on our pino logger, so Bolt's lines are JSON with the rest. Bolt and
 * its Web API client log payloads at debug as JSON text after a label; that part goes in as an
 * object (`slack`), so the logger's redaction (credentials, and bodies unless LOG_BODIES=true)
 * applies to it as to every other field.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line =
    (write: (fields: object, msg: string) => void) =>
    (...msg: unknown[]) => {
      const objects: unknown[] = [];
      const words: string[] = [];
      for (const m of msg) {
        const [label, parsed] = typeof m === 'string' ? splitJson(m) : ['', m];
        if (label) words.push(label);
        if (typeof parsed === 'object' && parsed !== null) objects.push(parsed);
        else if (parsed !== undefined) words.push(String(parsed));
      }
      const fields =
        objects.length === 0 ? {} : { slack: objects.length === 1 ? objects[0] : objects };
      write(fields, words.join(' ') || 'bolt');
    };
  const debug = line((f, m) => log.debug(f, m));
  return {
    // Bolt logs at debug on every request (the ack's body among them): nothing is parsed
    // unless the line would be written.
    debug: (...msg) => {
      if (log.isLevelEnabled?.('debug') !== false) debug(...msg);
    },
    info: line((f, m) => log.info(f, m)),
    warn: line((f, m) => log.warn(f, m)),
    error: line((f, m) => log.error(f, m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * `http request body: {"channel":…}` → [`http request body:`, {channel: …}]: the Web API
 * client logs every request and result this way at debug (reasons in `text`, names and
 * emails from users.info).
 */
function splitJson(text: string): [string, unknown] {
  const at = text.search(/[{[]/);
  if (at < 0) return ['', text];
  try {
    return [text.slice(0, at).trim(), JSON.parse(text.slice(at))];
  } catch {
    return ['', text];
  }
}
