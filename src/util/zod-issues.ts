import { closest, distance } from 'fastest-levenshtein';
import type { core } from 'zod';

type Issue = core.$ZodIssue & { input?: unknown };

/** Renders a value the way a person wrote it: strings quoted, long values cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function expectedOf(issue: Issue): string {
  if (issue.message && !issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')
      && !issue.message.startsWith('Unrecognized')) {
    // A schema-authored message (via `{ error: ... }`) already says what is expected.
    return issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      return ({ string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping', int: 'a whole number' } as Record<string, string>)[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? `text of at least ${String(issue.minimum)} characters`
        : issue.origin === 'array' ? `a list with at least ${String(issue.minimum)} items`
          : `a number of at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `text of at most ${String(issue.maximum)} characters`
        : issue.origin === 'array' ? `a list with at most ${String(issue.maximum)} items`
          : `a number of at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

export interface FormattedIssue { path: string; message: string }

/**
 * Turns zod issues into `path: expected X, got Y` lines that name the bad key.
 * `knownKeys` lists, per object path, the keys that exist, so that an unknown key gets a did-you-mean.
 */
export function formatIssues(issues: readonly Issue[], knownKeys: (path: readonly PropertyKey[]) => readonly string[]): FormattedIssue[] {
  const out: FormattedIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        const guess = known.length ? closest(key, [...known]) : undefined;
        const hint = guess && similarEnough(key, guess) ? ` (did you mean "${guess}"?)` : '';
        out.push({ path, message: `unknown key${hint}` });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const got = 'input' in issue ? `, got ${describeValue(issue.input)}` : '';
    out.push({ path, message: `expected ${expectedOf(issue)}${got}` });
  }
  return out;
}

function similarEnough(key: string, guess: string): boolean {
  const a = key.toLowerCase();
  const b = guess.toLowerCase();
  return a.includes(b) || b.includes(a) || distance(a, b) <= Math.max(2, Math.ceil(Math.max(a.length, b.length) / 3));
}
