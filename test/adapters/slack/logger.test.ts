/**
 * Bolt's lines on our logger: the JSON Bolt and its Web API client put after a label becomes
 * a field, so redaction applies; at info, Bolt's per-request debug lines are dropped before
 * anything is parsed.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../adapters/slack/logger.ts';
import type { Logger } from '../../../bot/core/ports/logger.ts';
import { createLogger } from '../../../bot/log.ts';

function capture(level: string): { log: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out.push(String(chunk));
      done();
    },
  });
  const log = createLogger(level, sink);
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('boltLogger', () => {
  it('writes the JSON after a label as a field, with bodies kept out', () => {
    const { log, lines } = capture('debug');
    boltLogger(log).debug('http request body: {"channel":"C0OPS","text":"fixing mail flow"}');
    const [line] = lines();
    expect(line?.msg).toBe('http request body:');
    expect(line?.slack).toMatchObject({ channel: 'C0OPS' });
    expect(JSON.stringify(line)).not.toContain('fixing mail flow');
  });

  it('drops debug lines at info before anything is read, and keeps warnings', () => {
    const written: string[] = [];
    const log: Logger = {
      debug: () => written.push('debug'),
      info: () => written.push('info'),
      warn: (fields: object | string, msg?: string) =>
        written.push(`warn ${JSON.stringify(fields)} ${msg}`),
      error: () => written.push('error'),
      child: () => log,
      isLevelEnabled: (level) => level !== 'debug',
    };
    const bolt = boltLogger(log);
    bolt.debug('ack() call begins (body: {"text":"How to use /elevate"})');
    bolt.warn('unhandled request: {"type":"block_actions"}');
    expect(written).toEqual(['warn {"slack":{"type":"block_actions"}} unhandled request:']);
  });
});
