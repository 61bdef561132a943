/**
 * Import cycles between files. Type-only imports count: a cycle of types still means neither
 * file can be understood, moved or tested without the other.
 */
import { importsOf, type SourceFile } from './imports.ts';

/** File → the files it imports (relative imports only), restricted to the given files. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export function importGraph(files: readonly SourceFile[]): ImportGraph {
  const known = new Set(files.map((f) => f.path));
  return new Map(
    files.map((f) => [
      f.path,
      [
        ...new Set(
          importsOf(f.path, f.source)
            .map((imp) => imp.target)
            .filter((t): t is string => t !== null && known.has(t)),
        ),
      ],
    ]),
  );
}

/** Strongly connected components (Tarjan), each with more than one file or a self-import. */
function tangles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The shortest path from `start` back to itself that stays inside `members`. */
function cycleThrough(graph: ImportGraph, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] ?? start;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at) ?? start) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * One cycle per tangle of mutually importing files, as `a.ts → b.ts → a.ts`, starting at the
 * tangle's first file by name. Breaking it may leave a smaller cycle, which the next run shows.
 */
export function cycles(graph: ImportGraph): string[] {
  return tangles(graph)
    .map((component) => {
      const members = new Set(component);
      const start = [...component].sort()[0] ?? '';
      return cycleThrough(graph, start, members).join(' → ');
    })
    .sort();
}
