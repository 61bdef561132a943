/**
 * The dependency rules of test/architecture/rules.ts and the no-cycles rule, run over the
 * project. A failure lists each offending import as `file: spec (rule name)`: a to-do list.
 */
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './cycles.ts';
import { sourcesUnder } from './imports.ts';
import { RULES, violations } from './rules.ts';

const files = sourcesUnder(['bot', 'adapters', 'jobs', 'cards']);

/**
 * Known breaks that need more than an import change, each waiting on a rewrite of its file.
 * The list must match exactly: a new break fails, and so does a fixed one still listed here.
 */
const PENDING: readonly string[] = [];
const PENDING_CYCLES: readonly string[] = [];

describe('dependency rules', () => {
  it('every import respects the rule table', () => {
    const found = violations(files);
    if (found.length > 0) console.warn(`dependency rule breaks:\n${found.join('\n')}`);
    expect(found).toEqual(PENDING);
  });

  it('no files import each other in a cycle', () => {
    const found = cycles(importGraph(files));
    if (found.length > 0) console.warn(`import cycles:\n${found.join('\n')}`);
    expect(found).toEqual(PENDING_CYCLES);
  });

  it('every rule governs files that exist', () => {
    const governed = (folders: readonly string[]) =>
      files.some((f) => folders.some((d) => f.path.startsWith(`${d}/`)));
    expect(RULES.filter((r) => !governed(r.files)).map((r) => r.name)).toEqual([]);
  });
});

describe('the rule checker', () => {
  const file = (path: string, ...lines: string[]) => ({ path, source: lines.join('\n') });

  it('flags each forbidden import with its file, spec and rule', () => {
    const bad = [
      file('bot/core/usecases/x.ts', "import { Redis } from 'ioredis';"),
      file('bot/core/usecases/y.ts', "import { q } from '../../../jobs/queues.ts';"),
      file('cards/slack/x.ts', "import type { Outbox } from '../../adapters/chat/outbox.ts';"),
      file('cards/x.ts', "export { loadConfig } from '../bot/config.ts';"),
      file('adapters/graph/x.ts', "import type { Config } from '../../bot/config.ts';"),
      file('adapters/teams/x.ts', "import { read } from '../slack/request-form.ts';"),
      file('adapters/slack/x.ts', "const m = await import('../console/feed.ts');"),
      file(
        'jobs/x.ts',
        "import type {\n  ReplayGuard,\n} from '../adapters/chat/replay-guard.ts';",
      ),
    ];
    expect(violations(bad)).toEqual([
      'bot/core/usecases/x.ts: ioredis (core is pure)',
      'bot/core/usecases/y.ts: ../../../jobs/queues.ts (core is pure)',
      'cards/slack/x.ts: ../../adapters/chat/outbox.ts (cards render from the core)',
      'cards/x.ts: ../bot/config.ts (cards render from the core)',
      'adapters/graph/x.ts: ../../bot/config.ts (adapters see only the core of bot)',
      'adapters/teams/x.ts: ../slack/request-form.ts (chat platforms are independent)',
      'adapters/slack/x.ts: ../console/feed.ts (chat platforms are independent)',
      'jobs/x.ts: ../adapters/chat/replay-guard.ts (jobs use ports, not adapters)',
    ]);
  });

  it('lets the allowed imports through', () => {
    const good = [
      file('bot/core/usecases/x.ts', "import { ok } from '../result.ts';", "import 'luxon';"),
      file(
        'cards/slack/x.ts',
        "import { a } from '../wording.ts';",
        "import t from 'adaptivecards-templating';",
      ),
      file('cards/x.ts', "import type { AccessRequest } from '../bot/core/domain/request.ts';"),
      file(
        'adapters/slack/x.ts',
        "import { o } from '../chat/outbox.ts';",
        "import { p } from './y.ts';",
      ),
      file('adapters/graph/x.ts', "import type { Logger } from '../../bot/core/ports/logger.ts';"),
      file('jobs/x.ts', "import type { Clock } from '../bot/core/ports/clock.ts';"),
      file('bot/config.ts', "import type { SlackSettings } from '../adapters/slack/settings.ts';"),
    ];
    expect(violations(good)).toEqual([]);
  });
});

describe('the cycle detector', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  it('reports each cycle as a path back to its first file', () => {
    const found = cycles(
      graph({
        'a.ts': ['b.ts'],
        'b.ts': ['c.ts', 'd.ts'],
        'c.ts': ['a.ts'],
        'd.ts': [],
        'x.ts': ['y.ts'],
        'y.ts': ['x.ts'],
        'self.ts': ['self.ts'],
      }),
    );
    expect(found).toEqual(['a.ts → b.ts → c.ts → a.ts', 'self.ts → self.ts', 'x.ts → y.ts → x.ts']);
  });

  it('finds none in a graph without one', () => {
    expect(cycles(graph({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }))).toEqual([]);
  });

  it('sees type-only imports, which build the graph like any other', () => {
    const found = cycles(
      importGraph([
        { path: 'adapters/x/a.ts', source: "import type { B } from './b.ts';" },
        { path: 'adapters/x/b.ts', source: "import { a } from './a.ts';" },
      ]),
    );
    expect(found).toEqual(['adapters/x/a.ts → adapters/x/b.ts → adapters/x/a.ts']);
  });
});
