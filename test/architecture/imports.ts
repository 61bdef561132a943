/**
 * Reads the project's import statements without running anything: which file imports which
 * file or package. The dependency rules and the cycle check are built on this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One import of one file: relative imports resolve to a repo-relative `target`. */
export interface Import {
  readonly spec: string;
  /** Repo-relative path (`adapters/chat/outbox.ts`) of a relative import, else null. */
  readonly target: string | null;
  /** Package name (`@slack/bolt`, `node:http`) of a bare import, else null. */
  readonly pkg: string | null;
}

/** A source file as the rules see it: its repo-relative path and its text. */
export interface SourceFile {
  readonly path: string;
  readonly source: string;
}

// `import x from`, `import type {…} from`, `export {…} from`, `import('…')`, `import '…'`.
const IMPORT =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function importsOf(file: string, source: string): Import[] {
  return [...source.matchAll(IMPORT)].map((m) => {
    const spec = m[1] ?? m[2] ?? m[3] ?? '';
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(root, dirname(file), spec))
        .split('\\')
        .join('/');
      return { spec, target, pkg: null };
    }
    const pkg = spec.startsWith('@')
      ? spec.split('/').slice(0, 2).join('/')
      : (spec.split('/')[0] ?? spec);
    return { spec, target: null, pkg };
  });
}

/** True when `path` is the folder `folder` or inside it (`bot/core` holds `bot/core/x.ts`). */
export const within = (path: string, folder: string): boolean =>
  path === folder || path.startsWith(`${folder}/`);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every .ts file under the given repo-relative folders, read from disk. */
export function sourcesUnder(folders: readonly string[]): SourceFile[] {
  return folders.flatMap((folder) =>
    tsFiles(join(root, folder)).map((file) => ({
      path: relative(root, file).split('\\').join('/'),
      source: readFileSync(file, 'utf8'),
    })),
  );
}
