/**
 * The names under `roles:` in policy.yaml, checked against the roles Entra has. A name that
 * matches nothing would otherwise apply to no request while the role it was meant for falls
 * back to the defaults (`Global Admin:` with quorum 2 leaves Global Administrator at one
 * approval). At start-up with Entra reachable, any such name stops the bot with
 * `policy.yaml:LINE:COL` and the closest names; with Entra unreachable the bot starts, keeps
 * asking, and reports what it finds in /readyz and in the security channel.
 */
import { distance } from 'fastest-levenshtein';
import type { SecurityAlert } from './core/domain/alert.ts';
import type { Policy } from './core/domain/policy.ts';
import type { RoleEntry } from './core/domain/target.ts';
import type { Logger } from './core/ports/logger.ts';
import type { PolicyIssue } from './policy-checks.ts';
import {
  dottedPath,
  formatPolicyError,
  PolicyError,
  type PolicyFileError,
  type PolicySource,
  placeIssue,
} from './policy-file.ts';
import type { ReadinessCheck } from './server.ts';

/** How many near names a problem lists. */
const SUGGESTIONS = 3;
const RETRY_MS = 30_000;
/** Start-up waits this long for Entra's role list before starting without the check. */
const START_WAIT_MS = 5_000;

/** Role names (keys under `roles:`) that name no role in Entra, with the closest real names. */
export function unknownRoleNames(policy: Policy, known: readonly RoleEntry[]): PolicyIssue[] {
  const names = known.map((r) => r.name);
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return [
    ...unknownRoleKeys(policy, names, lower),
    ...unknownBreakglassRoles(policy, names, lower),
  ];
}

/**
 * Break-glass targets written as a directory role (not `group …`, not `… on <scope>`) that
 * Entra does not have: `/elevate breakglass` could never match them.
 */
function unknownBreakglassRoles(
  policy: Policy,
  names: readonly string[],
  lower: ReadonlySet<string>,
): PolicyIssue[] {
  return (policy.breakglass?.targets ?? []).flatMap((target, i) => {
    if (/^group\s/i.test(target) || /\son\s/i.test(target) || lower.has(target.toLowerCase()))
      return [];
    const near = closestNames(target, names);
    const hint =
      near.length > 0 ? `did you mean ${near.map((n) => JSON.stringify(n)).join(', ')}? ` : '';
    return [
      {
        path: ['breakglass', 'targets', i],
        message: `no directory role in Entra is called ${JSON.stringify(target)}, so break-glass could never activate it; ${hint}write the role's display name as Entra shows it, or \`group <name>\` / \`<Azure role> on <scope>\``,
      },
    ];
  });
}

function unknownRoleKeys(
  policy: Policy,
  names: readonly string[],
  lower: ReadonlySet<string>,
): PolicyIssue[] {
  return [...policy.roles.keys()]
    .filter((name) => !lower.has(name.toLowerCase()))
    .map((name) => {
      const near = closestNames(name, names);
      const hint =
        near.length > 0 ? `did you mean ${near.map((n) => JSON.stringify(n)).join(', ')}? ` : '';
      return {
        path: ['roles', name],
        atKey: true,
        message: `no directory role in Entra is called ${JSON.stringify(name)}, so this entry would apply to nothing and the role would get the defaults; ${hint}write the role's display name as Entra shows it`,
      };
    });
}

/**
 * The real names nearest to a written one: those it begins (`Global Admin` →
 * `Global Administrator`), then those containing it, each by edit distance.
 */
function closestNames(written: string, names: readonly string[]): string[] {
  const w = written.toLowerCase();
  const rank = (n: string): [number, number] => {
    const l = n.toLowerCase();
    return [l.startsWith(w) ? 0 : l.includes(w) ? 1 : 2, distance(w, l)];
  };
  return [...names]
    .map((n) => ({ n, r: rank(n) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1])
    .slice(0, SUGGESTIONS)
    .map((x) => x.n);
}

export interface PolicyNamesOptions {
  readonly policy: Policy;
  /** The file the policy came from, for line and column; without it, the field path only. */
  readonly source?: PolicySource;
  readonly roles: () => Promise<readonly RoleEntry[]>;
  readonly log: Logger;
  /** The security channel, told once of names found wrong after start. */
  readonly alert: (alert: SecurityAlert) => Promise<void>;
  /** How often to ask again while Entra does not answer (default 30 s). */
  readonly retryMs?: number;
}

export interface PolicyNames {
  /** `policy` in /readyz: ok once every name is known to Entra. */
  readonly check: ReadinessCheck;
  stop(): void;
}

/**
 * Throws PolicyError when Entra answers and a name is unknown. When Entra does not answer,
 * returns a readiness check that fails until the names could be checked, retrying meanwhile.
 */
export async function checkPolicyNames(options: PolicyNamesOptions): Promise<PolicyNames> {
  const place = (issue: PolicyIssue): string =>
    options.source
      ? formatPolicyError(placeIssue(options.source, issue))
      : `policy.yaml: ${dottedPath(issue.path)}: ${issue.message}`;
  const first = await attempt(options, START_WAIT_MS);
  if (first.ok) {
    if (first.issues.length > 0) throw policyError(options.source, first.issues, place);
    return { check: { name: 'policy', check: async () => {} }, stop: () => {} };
  }
  options.log.warn(
    { err: first.reason },
    'Entra did not answer at start: the role names in policy.yaml are not checked yet; retrying',
  );
  let state: string | null =
    `role names in policy.yaml not checked yet: Entra did not answer (${first.reason})`;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const every = options.retryMs ?? RETRY_MS;
  const retry = async () => {
    const next = await attempt(options, every);
    if (stopped) return;
    if (!next.ok) {
      timer = setTimeout(retry, every).unref();
      return;
    }
    if (next.issues.length === 0) {
      state = null;
      options.log.info('role names in policy.yaml checked against Entra: all known');
      return;
    }
    const lines = next.issues.map(place);
    state = `policy.yaml names roles Entra does not have: ${lines.join(' | ')}`;
    options.log.error({ problems: lines }, 'policy.yaml names roles Entra does not have');
    await options.alert(namesAlert(lines)).catch((error: unknown) => {
      options.log.warn({ err: error }, 'could not tell the security channel about policy.yaml');
    });
  };
  timer = setTimeout(retry, every).unref();
  return {
    check: {
      name: 'policy',
      check: async () => {
        if (state !== null) throw new Error(state);
      },
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

type Attempt =
  | { readonly ok: true; readonly issues: PolicyIssue[] }
  | { readonly ok: false; readonly reason: string };

async function attempt(options: PolicyNamesOptions, waitMs = RETRY_MS): Promise<Attempt> {
  if (options.policy.roles.size === 0) return { ok: true, issues: [] };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${waitMs / 1000} s`)), waitMs);
  });
  try {
    const known = await Promise.race([options.roles(), late]);
    return { ok: true, issues: unknownRoleNames(options.policy, known) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function policyError(
  source: PolicySource | undefined,
  issues: readonly PolicyIssue[],
  place: (issue: PolicyIssue) => string,
): PolicyError {
  const file = source?.file ?? 'policy.yaml';
  const count = issues.length === 1 ? 'a role name' : `${issues.length} role names`;
  const errors: PolicyFileError[] = source ? issues.map((i) => placeIssue(source, i)) : [];
  return new PolicyError(
    [
      `${file} has ${count} that Entra does not know; fix and start again:`,
      ...issues.map(place),
    ].join('\n'),
    errors,
  );
}

function namesAlert(lines: readonly string[]): SecurityAlert {
  return {
    kind: 'policy_unknown_roles',
    key: `policy-names:${lines.join('|')}`,
    title: 'policy.yaml names roles that Entra does not have',
    details: [...lines],
    action:
      'Those entries apply to nothing, so the roles they were meant for run on the defaults. Fix the names in policy.yaml and restart elevate.',
    since: null,
  };
}
