/**
 * Renders the chart's templates the way `helm template` does, for the one subset of Go
 * templates the chart is written in: `{{ .Values.x.y }}`, `{{ .Release.Name }}`,
 * `{{ .Chart.AppVersion }}`, `{{ toJson <path> }}`, `{{ if <path> }}…{{ end }}` (nestable),
 * comments, and `{{-`/`-}}` whitespace trimming. Anything else is refused with an error, so a
 * template that steps outside the subset fails the tests instead of rendering wrongly; the
 * subset is kept on purpose so that the chart can be checked where helm is not installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface RenderContext {
  readonly Values: unknown;
  readonly Release: { readonly Name: string; readonly Namespace: string };
  readonly Chart: Record<string, unknown>;
}

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

function lookup(ctx: RenderContext, path: string, where: string): unknown {
  if (!/^(\.[A-Za-z][A-Za-z0-9]*)+$/.test(path))
    throw new Error(`${where}: unsupported expression ${path}`);
  let value: unknown = ctx;
  for (const key of path.slice(1).split('.')) {
    if (value === null || typeof value !== 'object' || !(key in value))
      throw new Error(`${where}: ${path} is not set`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const truthy = (v: unknown): boolean =>
  !(v === false || v === 0 || v === '' || v === null || v === undefined) &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

function print(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`${where}: cannot print ${JSON.stringify(value)} (use toJson)`);
}

export function renderTemplate(source: string, ctx: RenderContext, where: string): string {
  let out = '';
  let last = 0;
  const emitting: boolean[] = [];
  const on = () => emitting.every(Boolean);
  let trimNext = false;
  for (const m of source.matchAll(ACTION)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    if (on()) out += text;
    last = (m.index ?? 0) + m[0].length;
    trimNext = m[3] === '-';
    const body = m[2] ?? '';
    if (body.startsWith('/*') && body.endsWith('*/')) continue;
    const ifMatch = /^if\s+(\S+)$/.exec(body);
    if (ifMatch) {
      emitting.push(truthy(lookup(ctx, ifMatch[1] ?? '', where)));
      continue;
    }
    if (body === 'end') {
      if (emitting.pop() === undefined) throw new Error(`${where}: end without if`);
      continue;
    }
    const json = /^toJson\s+(\S+)$/.exec(body);
    const value = json
      ? JSON.stringify(lookup(ctx, json[1] ?? '', where))
      : print(lookup(ctx, body, where), where);
    if (on()) out += value;
  }
  if (emitting.length > 0) throw new Error(`${where}: if without end`);
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  return out + rest;
}

/** Every template of the chart rendered with `values` over values.yaml, as YAML texts. */
export function renderChart(
  chartDir: string,
  values: Record<string, unknown> = {},
  release = 'elevate',
): Map<string, string> {
  const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const ctx: RenderContext = {
    Values: merge(defaults, values),
    Release: { Name: release, Namespace: 'default' },
    Chart: Object.fromEntries(
      Object.entries(chart).map(([k, v]) => [k[0]?.toUpperCase() + k.slice(1), v]),
    ),
  };
  const dir = join(chartDir, 'templates');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => [f, renderTemplate(readFileSync(join(dir, f), 'utf8'), ctx, f)]),
  );
}

/** Helm's merge of user values over the defaults: maps deeply, everything else replaced. */
export function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? merge(current, value) : value;
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
