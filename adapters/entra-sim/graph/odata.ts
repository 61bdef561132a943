/**
 * Just enough OData `$filter` for the stand-in: `field eq 'value'` clauses joined by `and`
 * or `or` (not mixed), with '' as an escaped quote. Anything else is a 400, as Graph says.
 */
export type Filter = {
  readonly op: 'and' | 'or';
  readonly clauses: readonly { field: string; value: string }[];
};

export function parseFilter(text: string | null): Filter | 'invalid' | null {
  if (text === null || text.trim() === '') return null;
  const clauses: { field: string; value: string }[] = [];
  const clause = /^\s*([A-Za-z/]+)\s+eq\s+'((?:[^']|'')*)'\s*/;
  let rest = text;
  let op: 'and' | 'or' | null = null;
  for (;;) {
    const m = clause.exec(rest);
    if (!m) return 'invalid';
    clauses.push({ field: m[1] ?? '', value: (m[2] ?? '').replace(/''/g, "'") });
    rest = rest.slice(m[0].length);
    if (rest.trim() === '') return { op: op ?? 'and', clauses };
    const joiner = /^(and|or)\s+/i.exec(rest);
    if (!joiner) return 'invalid';
    const word = (joiner[1] ?? '').toLowerCase() as 'and' | 'or';
    if (op && op !== word) return 'invalid';
    op = word;
    rest = rest.slice(joiner[0].length);
  }
}

export function matches(filter: Filter | null, item: Record<string, unknown>): boolean {
  if (!filter) return true;
  const test = (c: { field: string; value: string }) => {
    const v = item[c.field];
    return typeof v === 'string' && v.toLowerCase() === c.value.toLowerCase();
  };
  return filter.op === 'and' ? filter.clauses.every(test) : filter.clauses.some(test);
}
