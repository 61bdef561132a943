/** The whocan reply on both platforms: a valid Adaptive Card, Block Kit within Slack's limits. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { explainPolicy } from '../../bot/core/domain/policy-sources.ts';
import type { WhocanAnswer } from '../../bot/core/usecases/whocan.ts';
import { whocanMessage } from '../../cards/slack/index.ts';
import { whocanCard } from '../../cards/teams/index.ts';
import { testPolicy } from '../support/tenant.ts';

const { id, ...schema } = JSON.parse(
  readFileSync('test/schemas/adaptive-card.schema.json', 'utf8'),
) as { id?: string };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile({ ...schema, $id: id });

const answer: WhocanAnswer = {
  target: { kind: 'directory_role', id: 'r-exo', name: 'Exchange Administrator', scope: '/' },
  eligible: Array.from({ length: 50 }, (_, i) => ({
    name: `Person ${i} *bold* <@U1>`,
    email: `person${i}@contoso.com`,
    scope: i === 0 ? '/administrativeUnits/au-1' : '/',
    endsAt: i % 2 ? null : Date.UTC(2026, 11, 24, 9),
  })),
  eligibleCount: 75,
  explained: explainPolicy(
    {
      ...testPolicy.defaults,
      approval: {
        ...testPolicy.defaults.approval,
        autoApprove: {
          onCall: {
            sources: [{ provider: 'pagerduty', kind: 'schedule', id: 'PABC123' }],
            maxPerDay: 3,
            maxDuration: 3600,
          },
        },
      },
    },
    {
      maxDuration: 7200,
      justificationRequired: false,
      ticketRequired: true,
      approvalRequired: false,
      mfaRequired: false,
    },
  ),
};

describe('whocan reply', () => {
  it('is a valid Adaptive Card with the rules and everyone listed', () => {
    const card = whocanCard(answer, 'Europe/Amsterdam');
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // As read: Teams markdown escapes (`\\(`) taken out.
    const text = JSON.stringify(card).replace(/\\\\(.)/g, '$1');
    expect(text).toContain('Max duration');
    expect(text).toContain('2h (Entra PIM)');
    expect(text).toContain('on call in PagerDuty schedule PABC123');
    expect(text).toContain('… and 25 more');
    expect(JSON.stringify(card)).not.toContain('*bold*');
  });

  it('fits Slack: at most 50 blocks, sections under 3,000 characters, plain text only', () => {
    const message = whocanMessage(answer, 'Europe/Amsterdam');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const block of message.blocks as { text?: { type: string; text: string } }[]) {
      if (!block.text) continue;
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    const all = JSON.stringify(message.blocks);
    expect(all).toContain(
      'Person 0 *bold* <@U1> (person0@contoso.com) on /administrativeUnits/au-1',
    );
    expect(all).toContain('Ticket: required (Entra PIM)');
  });

  it('names the kind of target, and a row’s scope where it is not the target’s', () => {
    const sub = '/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f';
    const group = whocanMessage(
      {
        ...answer,
        target: {
          kind: 'group',
          id: 'g-pay',
          name: 'Payments Oncall',
          scope: '/',
          access: 'member',
        },
        eligible: [{ name: 'Alice Admin', scope: '/', endsAt: null }],
        eligibleCount: 1,
      },
      'Europe/Amsterdam',
    );
    expect(group.text).toBe('Who can activate PIM group Payments Oncall (member)');
    expect(JSON.stringify(group.blocks)).toContain('Alice Admin, permanent');
    const azure = whocanCard(
      {
        ...answer,
        target: {
          kind: 'azure_role',
          id: `${sub}/providers/Microsoft.Authorization/roleDefinitions/b24988ac`,
          name: 'Contributor',
          scope: `${sub}/resourceGroups/rg-payments`,
          scopeName: 'rg-payments',
        },
        eligible: [
          { name: 'Alice Admin', scope: sub, scopeName: 'Payments Prod', endsAt: null },
          { name: 'Bob', scope: `${sub}/resourceGroups/RG-Payments`, endsAt: null },
        ],
        eligibleCount: 2,
      },
      'Europe/Amsterdam',
    );
    expect(validate(azure), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const text = JSON.stringify(azure).replace(/\\\\(.)/g, '$1');
    expect(text).toContain('Who can activate Contributor on rg-payments (Azure)');
    expect(text).toContain(`Alice Admin on Payments Prod (${sub}), permanent`);
    // ARM ids compare in any case: the same scope is not repeated.
    expect(text).toContain('"Bob, permanent"');
  });
});
