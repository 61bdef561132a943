import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, forRequest, lazyChild } from '../../bot/log.ts';

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

  it('makes a lazy child on its first line, with the bindings and redaction of a child', () => {
    const { lines, log } = capture();
    let made = 0;
    const counting = {
      ...log,
      child: (bindings: Record<string, unknown>) => {
        made += 1;
        return log.child(bindings);
      },
    };
    const lazy = lazyChild(counting, { httpRequestId: 'h-1', token: 'xoxb-secret' });
    expect(made).toBe(0);
    lazy.warn({ status: 401 }, 'refused');
    lazy.info('second line');
    lazy.child({ requestId: 'R7K2M9QX1' }).error('third');
    expect(made).toBe(1);
    expect(lines.map((l) => [l.httpRequestId, l.msg])).toEqual([
      ['h-1', 'refused'],
      ['h-1', 'second line'],
      ['h-1', 'third'],
    ]);
    expect(lines[0]).toMatchObject({ status: 401, level: 40, token: '[redacted]' });
    expect(lines[2]).toMatchObject({ requestId: 'R7K2M9QX1', level: 50 });
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
