import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS, auditCsv, defuse } from '../../adapters/chat/audit-csv.ts';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  ...makeEvent(makeRequest({ id: 'R0000001' })),
  seq: 1,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  ...over,
});

async function* from(events: AuditEvent[]) {
  yield* events;
}

describe('audit CSV', () => {
  it('writes a header and one RFC 4180 row per event, CRLF separated', async () => {
    const csv = await text(
      auditCsv(
        from([
          event({ at: Date.UTC(2026, 10, 23, 9, 0, 0), reason: 'plain reason', ticket: 'INC-1' }),
        ]),
      ),
    );
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe(AUDIT_COLUMNS.join(','));
    expect(row?.startsWith('2026-11-23T09:00:00.000Z,')).toBe(true);
    expect(row).toContain(',plain reason,INC-1,');
    expect(end).toBe('');
  });

  it('names each kind of target: directory role, PIM group with access, Azure role with its scope', async () => {
    const scope = '/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f/resourceGroups/rg-app';
    const csv = await text(
      auditCsv(
        from([
          event({
            targets: [
              { kind: 'directory_role', id: 'r1', name: 'Exchange Administrator', scope: '/' },
              { kind: 'group', id: 'g1', name: 'Payments Oncall', scope: '/', access: 'owner' },
              { kind: 'azure_role', id: 'a1', name: 'Contributor', scope, scopeName: 'rg-app' },
            ],
          }),
        ]),
      ),
    );
    expect(csv).toContain(
      `,Exchange Administrator; group Payments Oncall (owner); Contributor on ${scope},`,
    );
  });

  it('quotes commas, quotes and newlines', async () => {
    const csv = await text(auditCsv(from([event({ reason: 'a, "b"\nc\r\nd' })])));
    expect(csv).toContain(',"a, ""b""\nc\r\nd",');
  });

  it('defuses cells a spreadsheet would run as formulas', async () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(defuse(evil)).toBe(`'${evil}`);
    }
    expect(defuse('fine = ok')).toBe('fine = ok');
    const csv = await text(auditCsv(from([event({ reason: '=cmd|calc', ticket: '@x' })])));
    expect(csv).toContain(",'=cmd|calc,'@x,");
  });

  it('streams: rows leave before the source ends', async () => {
    let produced = 0;
    async function* slow() {
      for (let i = 0; i < 3; i++) {
        produced += 1;
        yield event({ seq: i + 1 });
      }
      await new Promise(() => {}); // never ends
    }
    const stream = auditCsv(slow());
    const first = await new Promise<string>((resolve) =>
      stream.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    expect(first).toContain('time,requester');
    expect(produced).toBeGreaterThan(0);
    stream.destroy();
  });
});
