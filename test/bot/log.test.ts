import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, forRequest } from '../../bot/log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger('debug', stream) };
}

describe('logging', () => {
  it('writes JSON lines that carry the request id', () => {
    const { lines, log } = capture();
    forRequest(log, 'R7K2M9QX1').info({ state: 'approved' }, 'request approved');
    expect(lines[0]).toMatchObject({
      requestId: 'R7K2M9QX1',
      state: 'approved',
      msg: 'request approved',
      service: 'elevate',
    });
  });

  it('redacts credentials at any of the usual depths', () => {
    const { lines, log } = capture();
    log.info(
      {
        token: 'xoxb-top',
        slack: { botToken: 'xoxb-nested', signingSecret: 'shh' },
        req: { headers: { authorization: 'Bearer eyJ', 'x-slack-signature': 'v0=abc' } },
        graph: { auth: { clientSecret: 'very-secret' } },
      },
      'configured',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of [
      'xoxb-top',
      'xoxb-nested',
      'shh',
      'Bearer eyJ',
      'v0=abc',
      'very-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});
