/**
 * The shape of policy.yaml. Every mapping is strict: an unknown key is an error, because a
 * typo in a security policy (`aproval:`) must not silently fall back to a default. Fields are
 * optional here; policy-build.ts fills in the defaults, merges roles over them and checks the
 * rules that span several fields.
 */
import { z } from 'zod';
import { OPTION_WORDS } from './core/commands/command.ts';
import { parseDuration } from './core/domain/duration.ts';
import {
  bool,
  count,
  duration,
  email,
  principalList,
  regex,
  section,
  shown,
  slackChannel,
  slackUserId,
  strict,
  teamsConversation,
  timeOfDay,
  timezone,
  weekdays,
} from './policy-fields.ts';

/** PagerDuty ids: upper-case letters and digits, e.g. PABC123 (from the schedule's URL). */
const pagerDutyId = () =>
  z
    .string({
      error: (iss) => `expected a PagerDuty id such as PABC123, found ${shown(iss.input)}`,
    })
    .regex(/^[A-Z0-9]{6,20}$/, {
      error: (iss) =>
        `${shown(iss.input)} is not a PagerDuty id; write the id from the schedule's or escalation policy's URL, e.g. PABC123, not its name`,
    });

const opsgenieId = () =>
  z
    .string({
      error: (iss) =>
        `expected an Opsgenie schedule id such as 3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9, found ${shown(iss.input)}`,
    })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
      error: (iss) =>
        `${shown(iss.input)} is not an Opsgenie schedule id; write the schedule's id (a GUID from Settings → Schedules), not its name`,
    });

const idList = <T extends z.ZodType>(item: T, example: string) =>
  z.array(item, {
    error: (iss) => `expected a list such as ${example}, found ${shown(iss.input)}`,
  });

/** `approval.autoApprove.onCall`: who is on call in these rotations is approved at once. */
const onCall = strict(
  {
    pagerduty: strict(
      {
        schedules: idList(pagerDutyId(), '[PABC123]').optional(),
        escalationPolicies: idList(pagerDutyId(), '[PDEF456]').optional(),
      },
      '{ schedules: [PABC123], escalationPolicies: [PDEF456] }',
    ).optional(),
    opsgenie: strict(
      { schedules: idList(opsgenieId(), '[3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9]').optional() },
      '{ schedules: [3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9] }',
    ).optional(),
    maxPerDay: count(1, 100).optional(),
    maxDuration: duration().optional(),
  },
  '{ pagerduty: { schedules: [PABC123] }, maxPerDay: 3, maxDuration: 2h }',
);

const approval = strict(
  {
    required: bool().optional(),
    approvers: principalList().optional(),
    quorum: count(1, 100).optional(),
    timeout: duration().optional(),
    escalateTo: principalList().optional(),
    /** null turns off a stepUp inherited from the defaults. */
    stepUp: duration().nullable().optional(),
    extensions: z
      .enum(['allow', 'reapprove'], {
        error: (iss) =>
          `expected allow or reapprove, found ${shown(iss.input)}; reapprove sends each extend to the approvers`,
      })
      .optional(),
    /** null turns off an auto-approval inherited from the defaults. */
    autoApprove: strict(
      { onCall: onCall.nullable().optional() },
      '{ onCall: { pagerduty: { schedules: [PABC123] } } }',
    )
      .nullable()
      .optional(),
  },
  '{ required: true, approvers: [secops@contoso.com], quorum: 1, timeout: 1h }',
);

const rolePolicyFields = {
  maxDuration: duration().optional(),
  minDuration: duration().optional(),
  defaultDuration: duration().optional(),
  approval: approval.optional(),
  justification: strict(
    { required: bool().optional(), minLength: count(0, 1000).optional() },
    '{ required: true, minLength: 10 }',
  ).optional(),
  ticket: strict(
    { required: bool().optional(), pattern: regex().nullable().optional() },
    '{ required: false, pattern: "^(INC|CHG)-?\\\\d+$" }',
  ).optional(),
  reminderBefore: duration().optional(),
  propagation: duration().nullable().optional(),
  mfa: strict(
    {
      required: bool().optional(),
      maxAge: duration().optional(),
      timeout: duration().optional(),
      /** null turns off a context inherited from the defaults. */
      authenticationContext: z
        .string({
          error: (iss) =>
            `expected an authentication context id such as c1, found ${shown(iss.input)}`,
        })
        .regex(/^c([1-9]|[1-9][0-9])$/, {
          error: 'expected a Conditional Access authentication context id from c1 to c99, e.g. c1',
        })
        .nullable()
        .optional(),
    },
    '{ required: true, maxAge: 5m, timeout: 15m, authenticationContext: c1 }',
  ).optional(),
  mode: z
    .enum(['app', 'delegated'], {
      error: (iss) =>
        `expected app or delegated, found ${shown(iss.input)}; write mode: app (the default) or mode: delegated`,
    })
    .optional(),
};

/** Words of the command grammar; an alias equal to one would make `/elevate help` ambiguous. */
const RESERVED = new Set([
  ...['roles', 'status', 'cancel', 'deactivate', 'extend', 'history', 'export', 'help', 'group'],
  'whocan',
  'breakglass',
  'review',
  ...OPTION_WORDS,
]);

const alias = z
  .string({ error: (iss) => `expected an alias such as exo, found ${shown(iss.input)}` })
  .trim()
  .check((ctx) => {
    const word = ctx.value;
    const problem =
      word === ''
        ? 'an alias cannot be empty'
        : word.includes(',')
          ? `${shown(word)} contains a comma, which separates roles in a request`
          : parseDuration(word) !== null
            ? `${shown(word)} reads as a duration`
            : RESERVED.has(word.toLowerCase())
              ? `${shown(word)} is an /elevate command word`
              : null;
    if (problem)
      ctx.issues.push({
        code: 'custom',
        input: word,
        message: `${problem}; write a short name people will type, e.g. exo`,
      });
  });

const role = strict(
  {
    aliases: z
      .array(alias, {
        error: (iss) => `expected a list such as [exchange, exo], found ${shown(iss.input)}`,
      })
      .optional(),
    ...rolePolicyFields,
  },
  '{ aliases: [exo], maxDuration: 4h }',
);

const channel = strict(
  { slack: slackChannel().optional(), teams: teamsConversation().optional() },
  '{ slack: C0123ABCD, teams: "19:abc@thread.tacv2" }',
);

const alerts = strict(
  {
    scanEvery: duration().optional(),
    tooFrequent: strict(
      { count: count(1, 1000).optional(), window: duration().optional() },
      '{ count: 3, window: 24h }',
    ).optional(),
    staleAccounts: strict({ days: count(1, 3650).optional() }, '{ days: 90 }').optional(),
    tooManyGlobalAdmins: strict(
      {
        max: count(1, 1000).optional(),
        percent: z
          .number({ error: (iss) => `expected a percentage such as 10, found ${shown(iss.input)}` })
          .gt(0, { error: 'must be more than 0; write a percentage such as 10' })
          .max(100, { error: 'must be at most 100; write a percentage such as 10' })
          .optional(),
      },
      '{ max: 5, percent: 10 }',
    ).optional(),
    outsideHours: section(
      strict(
        {
          timezone: timezone().optional(),
          from: timeOfDay().optional(),
          to: timeOfDay().optional(),
          days: weekdays().optional(),
        },
        '{ timezone: Europe/Amsterdam, from: "07:00", to: "19:00", days: Mon-Fri }',
      ),
    ),
    cooldown: duration().optional(),
  },
  '{ scanEvery: 15m, cooldown: 24h }',
);

/** A management group or subscription (or a scope below one) the bot reads Azure eligibility at. */
const armScope = () =>
  z
    .string({ error: (iss) => `expected an Azure scope, found ${shown(iss.input)}` })
    .trim()
    .regex(
      /^\/(subscriptions\/[0-9a-f-]{36}|providers\/Microsoft\.Management\/managementGroups\/[\w.()-]+)(\/[\w.()-]+\/[\w.()-]+)*\/?$/i,
      {
        error:
          'expected /subscriptions/<subscription id> or /providers/Microsoft.Management/managementGroups/<id>, optionally with /resourceGroups/<name> after a subscription',
      },
    )
    .transform((v) => v.replace(/\/+$/, ''));

/** A target as typed in a request: `Exchange Administrator`, `group Payments Oncall`, `Contributor on rg-payments`. */
const typedTarget = () =>
  z
    .string({
      error: (iss) =>
        `expected a target as typed in a request, e.g. Exchange Administrator, found ${shown(iss.input)}`,
    })
    .trim()
    .min(1, { error: 'a target cannot be empty; write e.g. Exchange Administrator' })
    .refine((t) => !t.includes(','), {
      error: 'one target per entry; commas separate targets in a request',
    });

/** `reviews:` settings, for all listed targets or for one. */
const reviewRuleFields = {
  every: duration().optional(),
  dueIn: duration().optional(),
  reviewers: z
    .union([z.literal('approvers'), principalList()], {
      error: (iss) =>
        `expected approvers or a list such as [secops@contoso.com, group:<object id>], found ${shown(iss.input)}`,
    })
    .optional(),
};

const reviews = strict(
  {
    ...reviewRuleFields,
    targets: z
      .array(
        z.union([
          typedTarget(),
          strict(
            { target: typedTarget(), ...reviewRuleFields },
            '{ target: Global Administrator, every: 30d }',
          ),
        ]),
        {
          error: (iss) =>
            `expected a list such as [Exchange Administrator, { target: Global Administrator, every: 30d }], found ${shown(iss.input)}`,
        },
      )
      .min(1, { error: 'list at least one target to review, e.g. [Exchange Administrator]' }),
  },
  '{ every: 90d, dueIn: 14d, reviewers: approvers, targets: [Exchange Administrator] }',
);

/** Where audit events go; http would send them readable on the way. */
const httpsUrl = () =>
  z.string().refine((v) => {
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https:// URL, e.g. https://siem.contoso.com/elevate');

export const policyFileSchema = strict(
  {
    defaults: section(
      strict(
        rolePolicyFields,
        '{ maxDuration: 8h, approval: { approvers: [secops@contoso.com] } }',
      ),
    ),
    roles: section(
      z.record(z.string(), role, {
        error: (iss) =>
          `expected a mapping from role name to its settings, found ${shown(iss.input)}`,
      }),
    ),
    groups: section(
      z.record(z.string(), role, {
        error: (iss) =>
          `expected a mapping from PIM group name to its settings, e.g. { Payments Oncall: { maxDuration: 4h } }, found ${shown(iss.input)}`,
      }),
    ),
    azureRoles: section(
      z.record(z.string(), role, {
        error: (iss) =>
          `expected a mapping from Azure role name to its settings, e.g. { Contributor: { maxDuration: 2h } }, found ${shown(iss.input)}`,
      }),
    ),
    azure: section(
      strict(
        {
          scopes: z
            .array(armScope(), {
              error: (iss) =>
                `expected a list of scopes such as [/subscriptions/<id>], found ${shown(iss.input)}`,
            })
            .min(1, { error: 'list at least one scope, e.g. [/subscriptions/<id>]' }),
        },
        '{ scopes: [/subscriptions/00000000-0000-0000-0000-000000000000] }',
      ),
    ),
    channels: section(
      strict(
        { security: section(channel), approvals: section(channel) },
        '{ security: { slack: C0SECURITY } }',
      ),
    ),
    auditors: section(principalList()),
    identities: section(
      z.record(slackUserId(), email(), {
        error: (iss) =>
          iss.code === 'invalid_key'
            ? (iss.issues[0]?.message ?? 'not a Slack user id')
            : `expected a mapping from Slack user id to email, e.g. { U0123ABC: alice@contoso.com }, found ${shown(iss.input)}`,
      }),
    ),
    alerts: section(alerts),
    siem: section(strict({ url: httpsUrl() }, '{ url: https://siem.contoso.com/elevate }')),
    breakglass: section(
      strict(
        {
          allowed: principalList().min(1, {
            error: 'list at least one person or group, e.g. [oncall-lead@contoso.com]',
          }),
          targets: z
            .array(typedTarget(), {
              error: (iss) =>
                `expected a list such as [Exchange Administrator, group Payments Oncall], found ${shown(iss.input)}`,
            })
            .min(1, { error: 'list at least one target, e.g. [Exchange Administrator]' }),
          maxDuration: duration().optional(),
          reviewWithin: duration().optional(),
        },
        '{ allowed: [oncall-lead@contoso.com], targets: [Exchange Administrator], maxDuration: 1h, reviewWithin: 1h }',
      ),
    ),
    reviews: section(reviews),
    timezone: timezone().optional(),
  },
  '{ defaults: { … }, roles: { … }, groups: { … }, azureRoles: { … }, azure: { scopes: [ … ] } }',
);

/** policy.yaml as validated, durations in seconds, nothing defaulted yet. */
export type PolicyFile = z.output<typeof policyFileSchema>;
export type RolePatch = NonNullable<PolicyFile['defaults']>;
export type RoleEntryPatch = NonNullable<PolicyFile['roles']>[string];
