/** The bench's one table: every figure with its baseline, ratio, target and verdict. */
export interface Row {
  readonly figure: string;
  readonly measured: number;
  /** The same figure for the baseline measured in the same run. */
  readonly baseline?: number;
  /** An absolute target, met when `measured` is on the `better` side of it. */
  readonly target?: number;
  readonly better?: 'lower' | 'higher';
  /** A target on measured / baseline (higher is better). */
  readonly ratioTarget?: number;
  readonly note?: string;
}

const num = (n: number | undefined) =>
  n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);

export function verdict(row: Row): 'pass' | 'FAIL' | '' {
  if (row.ratioTarget !== undefined && row.baseline !== undefined)
    return row.measured / row.baseline >= row.ratioTarget ? 'pass' : 'FAIL';
  if (row.target === undefined) return '';
  const ok = row.better === 'higher' ? row.measured >= row.target : row.measured <= row.target;
  return ok ? 'pass' : 'FAIL';
}

export function table(rows: readonly Row[]): string {
  const header = ['figure', 'measured', 'baseline', 'ratio', 'target', 'verdict'];
  const cells = rows.map((r) => [
    r.figure,
    num(r.measured),
    num(r.baseline),
    r.baseline ? `${(r.measured / r.baseline).toFixed(2)}×` : '',
    r.ratioTarget !== undefined
      ? `≥ ${r.ratioTarget}×`
      : r.target === undefined
        ? ''
        : `${r.better === 'higher' ? '≥' : '≤'} ${num(r.target)}`,
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}
