/**
 * Reads policy.yaml at start-up. Every problem becomes one line an editor can jump to,
 * `policy.yaml:12:7: roles."Global Administrator".approval.quorum: <what is wrong and what to
 * write instead>`, and all of them are reported at once. Field problems come first; the rules
 * that span fields (min ≤ default ≤ max, approvers for a quorum, aliases) are checked once
 * every field is valid.
 */
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { core } from 'zod';
import type { Policy } from './core/domain/policy.ts';
import { err, type Result } from './core/result.ts';
import { buildPolicy } from './policy-build.ts';
import type { PolicyIssue } from './policy-checks.ts';
import { allowedKeys } from './policy-fields.ts';
import { policyFileSchema } from './policy-schema.ts';

export interface PolicyFileError {
  readonly file: string;
  /** 1-based, as editors count. */
  readonly line: number;
  readonly column: number;
  /** Dotted field path, keys with spaces quoted: `roles."Global Administrator".approval`. Empty for the file. */
  readonly path: string;
  readonly message: string;
}

/** Thrown by loadPolicy so that start-up stops; the message holds every problem, one a line. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly errors: readonly PolicyFileError[];

  constructor(message: string, errors: readonly PolicyFileError[] = []) {
    super(message);
    this.errors = errors;
  }
}

export const formatPolicyError = (e: PolicyFileError): string =>
  `${e.file}:${e.line}:${e.column}: ${e.path === '' ? '' : `${e.path}: `}${e.message}`;

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    if (code === 'ENOENT') {
      throw new PolicyError(
        `policy file ${path} not found. Copy policy.example.yaml to ${path} (or point POLICY_FILE at your policy), fill in your approvers and channels, and start again.`,
      );
    }
    throw new PolicyError(
      `policy file ${path} cannot be read (${code}). Check that it is a readable file, or point POLICY_FILE elsewhere.`,
    );
  }
  const parsed = parsePolicy(text, path);
  if (parsed.ok) return parsed.value;
  const count = parsed.error.length === 1 ? 'a problem' : `${parsed.error.length} problems`;
  throw new PolicyError(
    [`${path} has ${count}; fix and start again:`, ...parsed.error.map(formatPolicyError)].join(
      '\n',
    ),
    parsed.error,
  );
}

export function parsePolicy(text: string, fileName: string): Result<Policy, PolicyFileError[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number, path: readonly PropertyKey[], message: string): PolicyFileError => {
    const { line, col } = lines.linePos(offset);
    return { file: fileName, line, column: col, path: dottedPath(path), message };
  };
  if (doc.errors.length > 0) {
    return err(doc.errors.map((e) => at(e.pos[0], [], yamlMessage(e.code, e.message))));
  }
  if (doc.contents === null) {
    return err([at(0, [], 'the file is empty; start from a copy of policy.example.yaml')]);
  }
  const place = (issue: PolicyIssue): PolicyFileError =>
    at(offsetOf(doc, issue.path, issue.atKey === true), issue.path, issue.message);

  const checked = policyFileSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!checked.success) return err(sorted(checked.error.issues.flatMap(toIssues).map(place)));
  const built = buildPolicy(checked.data);
  return built.ok ? built : err(sorted(built.error.map(place)));
}

/** What was read from the policy file, kept so that later checks can point at a line. */
export interface PolicySource {
  readonly file: string;
  readonly text: string;
}

/** Reads and validates the policy file, keeping its text (see loadPolicy for the errors). */
export function loadPolicySource(path: string): { policy: Policy; source: PolicySource } {
  const policy = loadPolicy(path);
  return { policy, source: { file: path, text: readFileSync(path, 'utf8') } };
}

/** Places a problem found after loading (a role name Entra does not know) in the source. */
export function placeIssue(source: PolicySource, issue: PolicyIssue): PolicyFileError {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false });
  const { line, col } = lines.linePos(offsetOf(doc, issue.path, issue.atKey === true));
  return {
    file: source.file,
    line,
    column: col,
    path: dottedPath(issue.path),
    message: issue.message,
  };
}

function toIssues(issue: core.$ZodIssue): PolicyIssue[] {
  if (issue.code === 'invalid_key')
    return [{ path: issue.path, message: issue.message, atKey: true }];
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }];
  const allowed = allowedKeys(issue.message);
  return issue.keys.map((key) => {
    const guess = allowed.length > 0 ? closest(key, allowed) : undefined;
    const hint = guess !== undefined && similar(key, guess) ? `did you mean ${guess}? ` : '';
    return {
      path: [...issue.path, key],
      atKey: true,
      message: `unknown key ${JSON.stringify(key)}; ${hint}allowed here: ${allowed.join(', ')}`,
    };
  });
}

/** Close enough to be a typo: a few letters off, or only the case differs. */
const similar = (a: string, b: string): boolean =>
  distance(a.toLowerCase(), b.toLowerCase()) <= Math.max(2, Math.floor(b.length / 3));

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY')
    return 'this key appears twice in the same mapping; keep one and merge what the two say';
  if (code === 'TAB_AS_INDENT')
    return 'YAML does not allow tabs for indentation; indent with spaces';
  return `YAML syntax error: ${message.replace(/\s+/g, ' ').trim()}; check the indentation, colons and quotes here`;
}

const sorted = (errors: PolicyFileError[]): PolicyFileError[] =>
  errors.sort((a, b) => a.line - b.line || a.column - b.column);

/** `roles."Global Administrator".approval.approvers[1]` */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      const name = String(seg);
      const shown = /^[A-Za-z_][\w-]*$/.test(name) ? name : JSON.stringify(name);
      return i === 0 ? shown : `.${shown}`;
    })
    .join('');
}

/**
 * Where a path points in the source: the value (or the key, for a name that is wrong), or the
 * deepest part of the path that exists when the field itself is absent (an inherited value).
 */
function offsetOf(doc: Document, path: readonly PropertyKey[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyStart = startOf(pair.key) ?? offset;
      if (atKey && i === path.length - 1) return keyStart;
      node = pair.value;
      offset = startOf(node) ?? keyStart;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      offset = startOf(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function startOf(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range: unknown = node.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
