import matter from 'gray-matter';
import { sha256 } from '../util/hash.js';
import { foldAccents } from '../util/text.js';
import { FRONT_MATTER_KEYS, validateFrontMatter, keyLines } from './frontmatter.js';
import { parseBody } from './markdown.js';
import { parseForum } from './forum.js';
import type { Article, Diagnostic } from './types.js';

export interface LocaleSettings { default: string; supported: string[] }

export interface FileResult {
  path: string;
  file: string;
  article?: Article;
  diagnostics: Diagnostic[];
}

const refuseNonYaml = (language: string) => () => {
  throw new NonYamlError(language);
};
class NonYamlError extends Error {
  constructor(readonly language: string) { super(language); }
}
// gray-matter would evaluate `---js` front matter as JavaScript: a knowledge file must never run code.
const MATTER_OPTIONS = {
  engines: {
    js: refuseNonYaml('js'), javascript: refuseNonYaml('javascript'), coffee: refuseNonYaml('coffee'),
    coffeescript: refuseNonYaml('coffeescript'), json: refuseNonYaml('json'), toml: refuseNonYaml('toml'),
  },
} as unknown as Parameters<typeof matter>[1];

export function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : bytes >= 1000 ? `${Math.round(bytes / 1000)} KB` : `${bytes} bytes`;
}

/** Default id: the path inside the knowledge folder, lowercased, accents folded, without `.md`. */
export function defaultId(relPath: string): string {
  return relPath.replace(/\.md$/i, '').split('/')
    .map((part) => foldAccents(part.toLowerCase()).replace(/ñ/g, 'n').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean).join('/');
}

function localeFromName(relPath: string, supported: string[]): string | undefined {
  const match = /\.([a-z]{2,3}(?:-[A-Z]{2})?)\.md$/i.exec(relPath);
  return match && supported.includes(match[1]!) ? match[1] : undefined;
}

export function tooLarge(relPath: string, file: string, size: number, maxFileBytes: number): FileResult {
  const message = `file is ${formatBytes(size)}, over the ${formatBytes(maxFileBytes)} limit (knowledge.maxFileBytes): split it into several articles; this file is not served`;
  return { path: relPath, file, diagnostics: [{ path: relPath, file, line: 1, severity: 'error', code: 'too-large', message, skipsFile: true }] };
}

/** Parses one knowledge file on its own. Cross-file checks (ids, related, links) happen when assembling. */
export function parseKnowledgeFile(relPath: string, file: string, bytes: Uint8Array, options: { locales: LocaleSettings; maxFileBytes: number }): FileResult {
  const diagnostics: Diagnostic[] = [];
  const report = (line: number, severity: Diagnostic['severity'], code: string, message: string, skipsFile = false) => {
    diagnostics.push({ path: relPath, file, line, severity, code, message, skipsFile });
  };
  const skip = (line: number, code: string, message: string): FileResult => {
    report(line, 'error', code, `${message}; this file is not served`, true);
    return { path: relPath, file, diagnostics };
  };

  if (bytes.length > options.maxFileBytes) return tooLarge(relPath, file, bytes.length, options.maxFileBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder('utf-8').decode(bytes);
    const bad = loose.indexOf('\uFFFD');
    const line = bad < 0 ? 1 : loose.slice(0, bad).split('\n').length;
    return skip(line, 'encoding', 'not valid UTF-8 text (saved in another encoding such as Latin-1?): save it as UTF-8');
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!text.trim()) return skip(1, 'empty-file', 'empty file');

  const lines = text.split('\n');
  if (/^---\s*$/.test(lines[0] ?? '') && !lines.slice(1).some((l) => /^---\s*$/.test(l))) {
    return skip(1, 'frontmatter-unclosed', 'front matter opened on line 1 is never closed: end it with a line containing only ---');
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, MATTER_OPTIONS);
  } catch (error) {
    if (error instanceof NonYamlError) return skip(1, 'frontmatter-language', `front matter must be YAML (start it with ---), not ---${error.language}`);
    const e = error as { reason?: string; mark?: { line?: number }; message?: string };
    // gray-matter hands js-yaml the text right after the opening ---, newline included: mark.line + 1 is the file line.
    const line = typeof e.mark?.line === 'number' ? e.mark.line + 1 : 1;
    return skip(line, 'yaml', `invalid YAML in front matter: ${e.reason ?? e.message ?? 'cannot be read'}`);
  }
  if (!/^---/.test(text)) {
    return skip(1, 'frontmatter-missing', 'no front matter: start the file with a line ---, then `title: ...`, then another line ---');
  }
  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return skip(2, 'frontmatter-shape', 'front matter must be `key: value` lines');
  }
  const bodyOffset = text.length - parsed.content.length;
  const bodyLineOffset = text.slice(0, bodyOffset).split('\n').length - 1;
  const { keys, items } = keyLines(parsed.matter.replace(/^\n/, ''), 2);
  const lineOf = (key: string, index?: number) => (index !== undefined ? items[key]?.[index] : undefined) ?? keys[key] ?? 1;

  const { value: fm, problems } = validateFrontMatter(data);
  let fatal = false;
  for (const problem of problems) {
    const unknownKey = problem.message.startsWith('unknown front-matter key');
    // An unknown key is reported but the article is still served; a missing title or a wrong type is not.
    if (!unknownKey) fatal = true;
    report(lineOf(problem.key, problem.index), 'error', unknownKey ? 'unknown-key' : problem.key === 'title' && !('title' in (data as object)) ? 'missing-title' : 'field-type',
      unknownKey ? problem.message : `${problem.message}; this file is not served`, !unknownKey);
  }
  const value = fm ?? (fatal ? undefined : validateFrontMatter(withoutUnknownKeys(data as Record<string, unknown>)).value);
  if (!value) return { path: relPath, file, diagnostics };

  const locale = value.locale ?? localeFromName(relPath, options.locales.supported) ?? options.locales.default;
  if (!options.locales.supported.includes(locale)) {
    return skip(lineOf('locale'), 'locale', `locale "${locale}" is not configured (locales.supported: ${options.locales.supported.join(', ')})`);
  }
  if (!parsed.content.trim()) return skip(bodyLineOffset + 1, 'empty-body', 'empty body: the article has front matter but no text');

  const body = parseBody(parsed.content, bodyLineOffset, value.title);
  for (const p of body.problems) report(p.line, 'warning', p.code, p.message);
  let sections = body.sections;
  let forum: Article['forum'];
  if (value.type === 'forum') {
    const thread = parseForum(sections, value.title);
    for (const p of thread.problems) report(p.line, p.code === 'forum-accepted' ? 'warning' : 'error', p.code, p.message);
    if (!thread.thread) return skip(lineOf('type'), 'forum-no-answer', 'forum thread without answers: add `## Answer by NAME · N votes · accepted`');
    sections = thread.sections;
    forum = thread.thread;
  } else if (value.author !== undefined) {
    report(lineOf('author'), 'warning', 'author-not-forum', '`author` is only used on forum threads (type: forum)');
  }
  if (!sections.some((s) => s.text.trim())) return skip(bodyLineOffset + 1, 'empty-body', 'empty body: nothing left to serve once HTML is removed');

  const seenQuestions = new Set<string>();
  const questions = value.questions.map((q) => q.trim()).filter((q, i) => {
    const key = q.toLowerCase();
    if (!q || seenQuestions.has(key)) {
      if (q) report(lineOf('questions', i), 'warning', 'question-repeated', `question "${q}" is listed twice in this article`);
      return false;
    }
    seenQuestions.add(key);
    return true;
  });

  const article: Article = {
    id: value.id ?? defaultId(relPath),
    title: value.title,
    type: value.type,
    locale,
    questions,
    tags: value.tags,
    status: value.status,
    related: value.related,
    escalate: value.escalate,
    path: relPath,
    file,
    sections,
    links: body.links,
    keyLines: keys,
    hash: sha256(bytes),
    ...(value.topic !== undefined && { topic: value.topic }),
    ...(value.product !== undefined && { product: value.product }),
    ...(value.audience !== undefined && { audience: value.audience }),
    ...(value.updated !== undefined && { updated: value.updated }),
    ...(value.owner !== undefined && { owner: value.owner }),
    ...(value.author !== undefined && { author: value.author }),
    ...(forum && { forum }),
  };
  return { path: relPath, file, article, diagnostics };
}

function withoutUnknownKeys(data: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(FRONT_MATTER_KEYS);
  return Object.fromEntries(Object.entries(data).filter(([k]) => known.has(k)));
}
