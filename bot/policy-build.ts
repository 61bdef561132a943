/**
 * From validated policy.yaml fields to the core's `Policy`: defaults filled in, each role
 * merged over them (policy-defaults.ts), then the rules that span fields (policy-checks.ts).
 * Problems come back as values with the field's path; policy-file.ts gives them positions.
 */
import { formatDuration } from './core/domain/duration.ts';
import type { AlertsPolicy, BreakglassPolicy, Policy, RoleOverride } from './core/domain/policy.ts';
import type { ReviewedTarget, ReviewsPolicy } from './core/domain/review.ts';
import { err, ok, type Result } from './core/result.ts';
import { checkRoleNames, checkRolePolicy, type PolicyIssue } from './policy-checks.ts';
import {
  BUILT_IN_ALERTS,
  BUILT_IN_DEFAULTS,
  BUILT_IN_OUTSIDE_HOURS,
  mergeRolePolicy,
} from './policy-defaults.ts';
import type { PolicyFile } from './policy-schema.ts';

export function buildPolicy(file: PolicyFile): Result<Policy, PolicyIssue[]> {
  const defaultsPatch = file.defaults ?? {};
  const defaults = mergeRolePolicy(BUILT_IN_DEFAULTS, defaultsPatch);
  const issues = checkRolePolicy(defaults, { path: ['defaults'], patch: defaultsPatch });

  const section = (name: 'roles' | 'groups' | 'azureRoles'): Map<string, RoleOverride> => {
    const entries = file[name] ?? {};
    issues.push(...checkRoleNames(entries, name));
    const built = new Map<string, RoleOverride>();
    for (const [key, { aliases = [], ...patch }] of Object.entries(entries)) {
      const policy = mergeRolePolicy(defaults, patch);
      issues.push(...checkRolePolicy(policy, { path: [name, key], patch, defaultsPatch }));
      built.set(key, { aliases, policy });
    }
    return built;
  };
  const roles = section('roles');
  const groups = section('groups');
  const azureRoles = section('azureRoles');
  if (azureRoles.size > 0 && !file.azure?.scopes.length) {
    // Delegated ones too: the requester's own sign-in calls Azure Resource Manager there.
    const delegated = [...azureRoles.values()].some((r) => r.policy.mode === 'delegated');
    issues.push({
      path: ['azureRoles'],
      atKey: true,
      message: `Azure roles need the scopes the bot looks in${delegated ? ' (in delegated mode too: it reads eligibility there, and the requester activates through Azure Resource Manager)' : ''}; add azure: { scopes: [/subscriptions/<id>] } (or a management group)`,
    });
  }

  const timezone = file.timezone ?? 'UTC';
  const alertsFile = file.alerts ?? {};
  const hours = alertsFile.outsideHours;
  if (hours?.from !== undefined && hours.from === (hours.to ?? BUILT_IN_OUTSIDE_HOURS.to)) {
    issues.push({
      path: ['alerts', 'outsideHours', hours.to === undefined ? 'from' : 'to'],
      message: `from and to are both ${hours.from}, which leaves no working hours; write e.g. from: "07:00", to: "19:00"`,
    });
  }
  const alerts: AlertsPolicy = {
    scanEvery: alertsFile.scanEvery ?? BUILT_IN_ALERTS.scanEvery,
    tooFrequent: { ...BUILT_IN_ALERTS.tooFrequent, ...defined(alertsFile.tooFrequent) },
    staleAccounts: { ...BUILT_IN_ALERTS.staleAccounts, ...defined(alertsFile.staleAccounts) },
    tooManyGlobalAdmins: {
      ...BUILT_IN_ALERTS.tooManyGlobalAdmins,
      ...defined(alertsFile.tooManyGlobalAdmins),
    },
    ...(hours === undefined
      ? {}
      : { outsideHours: { timezone, ...BUILT_IN_OUTSIDE_HOURS, ...defined(hours) } }),
    cooldown: alertsFile.cooldown ?? BUILT_IN_ALERTS.cooldown,
  };
  const breakglass = buildBreakglass(file.breakglass, issues);
  const reviews = buildReviews(file.reviews, issues);
  if (issues.length > 0) return err(issues);
  return ok({
    defaults,
    roles,
    ...(groups.size > 0 ? { groups } : {}),
    ...(azureRoles.size > 0 ? { azureRoles } : {}),
    ...(file.azure?.scopes.length ? { azure: { scopes: file.azure.scopes } } : {}),
    channels: {
      security: defined(file.channels?.security),
      approvals: defined(file.channels?.approvals),
    },
    auditors: file.auditors ?? [],
    identities: new Map(Object.entries(file.identities ?? {})),
    alerts,
    ...(file.siem ? { siem: { url: file.siem.url } } : {}),
    ...(breakglass ? { breakglass } : {}),
    ...(reviews ? { reviews } : {}),
    timezone,
  });
}

/** Break-glass defaults: a 1 hour grant at most, acknowledged within 1 hour. */
const BREAKGLASS_DEFAULT_SECONDS = 3600;

function buildBreakglass(
  file: PolicyFile['breakglass'],
  issues: PolicyIssue[],
): BreakglassPolicy | undefined {
  if (!file) return undefined;
  const seen = new Map<string, number>();
  file.targets.forEach((t, i) => {
    const key = t.toLowerCase();
    if (seen.has(key))
      issues.push({
        path: ['breakglass', 'targets', i],
        message: `${t} is listed twice; list each target once`,
      });
    seen.set(key, i);
  });
  const maxDuration = file.maxDuration ?? BREAKGLASS_DEFAULT_SECONDS;
  const reviewWithin = file.reviewWithin ?? BREAKGLASS_DEFAULT_SECONDS;
  if (maxDuration < 60)
    issues.push({
      path: ['breakglass', 'maxDuration'],
      message: 'a break-glass grant needs at least 1m; write e.g. maxDuration: 1h',
    });
  if (reviewWithin < 60)
    issues.push({
      path: ['breakglass', 'reviewWithin'],
      message: 'the approvers need at least 1m to acknowledge; write e.g. reviewWithin: 1h',
    });
  return { allowed: file.allowed, targets: file.targets, maxDuration, reviewWithin };
}

/** Review defaults: every 90 days, by the target's approvers, due in 14 days. */
const REVIEW_EVERY_SECONDS = 90 * 86_400;
const REVIEW_DUE_SECONDS = 14 * 86_400;

function buildReviews(
  file: PolicyFile['reviews'],
  issues: PolicyIssue[],
): ReviewsPolicy | undefined {
  if (!file) return undefined;
  const seen = new Set<string>();
  const sharedProblem = new Set<string>();
  const targets = file.targets.map((entry, i): ReviewedTarget => {
    const own = typeof entry === 'string' ? { target: entry } : entry;
    const path = ['reviews', 'targets', i];
    if (seen.has(own.target.toLowerCase()))
      issues.push({ path, message: `${own.target} is listed twice; list each target once` });
    seen.add(own.target.toLowerCase());
    const rule = {
      every: own.every ?? file.every ?? REVIEW_EVERY_SECONDS,
      dueIn: own.dueIn ?? file.dueIn ?? REVIEW_DUE_SECONDS,
      reviewers: own.reviewers ?? file.reviewers ?? ('approvers' as const),
    };
    const problem =
      rule.dueIn < 60
        ? 'the reviewers need at least 1m; write e.g. dueIn: 14d'
        : rule.every < 3600 || rule.dueIn > rule.every
          ? `a review every ${formatDuration(rule.every)} cannot be due in ${formatDuration(rule.dueIn)}; the period must be at least 1h and no shorter than dueIn, e.g. every: 90d, dueIn: 14d`
          : null;
    // Said once, at the section, when the target only inherits the section's values.
    const inherited = own.every === undefined && own.dueIn === undefined;
    if (problem && !(inherited && sharedProblem.has(problem))) {
      issues.push({
        path: inherited ? ['reviews', file.dueIn ? 'dueIn' : 'every'] : path,
        message: problem,
      });
      if (inherited) sharedProblem.add(problem);
    }
    return { typed: own.target, rule };
  });
  return { targets };
}

/** Keeps the keys whose value is set, so that spreading over defaults cannot write `undefined`. */
function defined<T extends object>(
  value: T | undefined,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
