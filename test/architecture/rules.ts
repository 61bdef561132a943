/**
 * Dependencies point inward: the core in the middle, cards and ports around it, adapters and
 * jobs outside, and `bot/` (config, server, app, main) wiring them together. Each rule names the
 * files it governs, what they may not import, and why.
 */
import { type Import, importsOf, type SourceFile, within } from './imports.ts';

export interface Rule {
  readonly name: string;
  /** Repo-relative folders whose files the rule governs. */
  readonly files: readonly string[];
  readonly why: string;
  /** True when `file` may not have this import. */
  readonly refuses: (imp: Import, file: string) => boolean;
}

/** Pure computation only: date arithmetic and string distance. */
const CORE_PACKAGES = new Set(['luxon', 'fastest-levenshtein']);

/** Chat platforms; one may not reach into another. */
const PLATFORMS = ['adapters/slack', 'adapters/teams', 'adapters/console'];

/** The platform SDKs: loaded only by the platform that needs them. */
const CHAT_SDKS = ['botbuilder', 'botframework-connector', '@slack'];

const platformOf = (path: string): string | undefined => PLATFORMS.find((p) => within(path, p));

const leaves = (imp: Import, ...allowed: string[]): boolean =>
  imp.target !== null && !allowed.some((folder) => within(imp.target ?? '', folder));

export const RULES: readonly Rule[] = [
  {
    name: 'core is pure',
    files: ['bot/core'],
    why: 'the core decides; it imports no SDK, Redis, HTTP, adapter, job or card',
    refuses: (imp) => leaves(imp, 'bot/core') || (imp.pkg !== null && !CORE_PACKAGES.has(imp.pkg)),
  },
  {
    name: 'cards render from the core',
    files: ['cards'],
    why: 'a card is a projection of core state; it knows no adapter, job or wiring',
    refuses: (imp) => leaves(imp, 'bot/core', 'cards'),
  },
  {
    name: 'adapters see only the core of bot',
    files: ['adapters'],
    why: 'config, logging, server and app wiring depend on adapters, never the other way',
    refuses: (imp) =>
      imp.target !== null && within(imp.target, 'bot') && !within(imp.target, 'bot/core'),
  },
  {
    name: 'chat platforms are independent',
    files: PLATFORMS,
    why: 'what two platforms share lives in adapters/chat or the core, so either can be removed',
    refuses: (imp, file) => {
      const target = imp.target === null ? undefined : platformOf(imp.target);
      return target !== undefined && target !== platformOf(file);
    },
  },
  {
    name: 'shared chat code knows no platform',
    files: ['adapters/chat'],
    why: 'the lifecycle and the Adaptive Cards serve every platform; a platform plugs in, never the reverse',
    refuses: (imp) =>
      (imp.target !== null && platformOf(imp.target) !== undefined) ||
      (imp.pkg !== null &&
        CHAT_SDKS.some((sdk) => imp.pkg === sdk || imp.pkg?.startsWith(`${sdk}/`))),
  },
  {
    name: 'sign-in from chat knows no chat platform',
    files: ['adapters/signin'],
    why: 'the /auth routes hand a verified sign-in to the core; the chat hears of it through the notifier',
    refuses: (imp) =>
      imp.target !== null &&
      within(imp.target, 'adapters') &&
      !['adapters/signin', 'adapters/graph', 'adapters/http'].some((f) =>
        within(imp.target ?? '', f),
      ),
  },
  {
    name: 'jobs use ports, not adapters',
    files: ['jobs'],
    why: 'a job works through core ports; the composition root hands it the adapters',
    refuses: (imp) => imp.target !== null && within(imp.target, 'adapters'),
  },
];

/** Each broken rule as `file: spec (rule name)`, in file order. */
export function violations(files: readonly SourceFile[], rules: readonly Rule[] = RULES): string[] {
  return files.flatMap((file) =>
    rules
      .filter((rule) => rule.files.some((folder) => within(file.path, folder)))
      .flatMap((rule) =>
        importsOf(file.path, file.source)
          .filter((imp) => rule.refuses(imp, file.path))
          .map((imp) => `${file.path}: ${imp.spec} (${rule.name})`),
      ),
  );
}
