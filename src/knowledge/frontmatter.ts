import { z } from 'zod';
import { formatIssues } from '../util/zod-issues.js';

const text = z.string({ error: 'text' }).trim().min(1, { error: 'non-empty text' });
const textList = z.array(z.union([z.string(), z.number()]).transform(String), { error: 'a list of text' });

/** The front-matter contract: these names are relied on by tools and evaluation, so unknown keys are errors. */
export const frontMatterSchema = z.strictObject({
  id: z.string({ error: 'text' }).regex(/^[\p{L}\p{N}][\p{L}\p{N}._\/-]*$/u, {
    error: 'an id made of letters, digits, "-", "_", "." and "/"',
  }).optional(),
  title: z.union([z.string(), z.number()], { error: 'text' }).transform(String).pipe(text),
  type: z.enum(['faq', 'article', 'forum']).default('faq'),
  locale: z.string({ error: 'a language code such as "es"' }).optional(),
  topic: z.union([z.string(), z.number()], { error: 'text' }).transform(String).optional(),
  questions: textList.default([]),
  tags: textList.default([]),
  product: z.string({ error: 'text' }).optional(),
  audience: z.string({ error: 'text' }).optional(),
  status: z.enum(['published', 'draft']).default('published'),
  related: z.array(z.string({ error: 'an article id' }), { error: 'a list of article ids' }).default([]),
  escalate: z.boolean({ error: 'true or false' }).default(false),
  updated: z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)], { error: 'a date written YYYY-MM-DD' })
    .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)).optional(),
  owner: z.string({ error: 'text' }).optional(),
  author: z.string({ error: 'text' }).optional(),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;
export const FRONT_MATTER_KEYS = Object.keys(frontMatterSchema.shape);

export interface FieldProblem { key: string; index?: number; message: string }

export function validateFrontMatter(data: unknown): { value?: FrontMatter; problems: FieldProblem[] } {
  const parsed = frontMatterSchema.safeParse(data, { reportInput: true });
  if (parsed.success) return { value: parsed.data, problems: [] };
  const problems = formatIssues(parsed.error.issues, () => FRONT_MATTER_KEYS).map((p, i) => {
    const issuePath = parsed.error.issues[i]?.path ?? [];
    const key = p.path.split(/[.[]/)[0] || '(front matter)';
    const index = typeof issuePath[1] === 'number' ? issuePath[1] : undefined;
    const message = p.message === 'expected text, got nothing' && key === 'title'
      ? 'missing title: every article needs `title:` in its front matter'
      : p.message.startsWith('unknown key') ? `unknown front-matter key "${key}"${p.message.slice('unknown key'.length)}`
        : `${p.path}: ${p.message}`;
    return index === undefined ? { key, message } : { key, index, message };
  });
  return { problems };
}

/**
 * Finds the line of each top-level key (and of each block-list item) in raw YAML, so that messages point at it.
 * `firstLine` is the file line of the YAML's first line.
 */
export function keyLines(yaml: string, firstLine: number): { keys: Record<string, number>; items: Record<string, number[]> } {
  const keys: Record<string, number> = {};
  const items: Record<string, number[]> = {};
  let current: string | undefined;
  yaml.split('\n').forEach((raw, i) => {
    const key = /^([^\s#:][^:]*?)\s*:(\s|$)/.exec(raw);
    if (key?.[1]) {
      current = key[1].replace(/^["']|["']$/g, '');
      keys[current] ??= firstLine + i;
      items[current] ??= [];
    } else if (current && /^\s+-\s/.test(raw)) {
      items[current]?.push(firstLine + i);
    }
  });
  return { keys, items };
}
