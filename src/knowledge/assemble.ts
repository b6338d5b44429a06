import path from 'node:path/posix';
import { closest, distance } from 'fastest-levenshtein';
import { comparableText } from '../util/text.js';
import type { FileResult } from './file.js';
import type { Article, ArticleLink, Diagnostic, Section } from './types.js';

export interface KnowledgeBase {
  dir: string;
  /** Every article that loaded, drafts included (drafts are linted, never served). */
  articles: Article[];
  /** Published articles only: what the bot may answer from. */
  published: Article[];
  byId: ReadonlyMap<string, Article>;
  diagnostics: Diagnostic[];
  /** Number of Markdown files seen, loaded or not. */
  files: number;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/|\/)/i;

/** Applies the checks that need every file at once, and builds the knowledge base served to retrieval. */
export function assembleKnowledge(dir: string, results: readonly FileResult[]): KnowledgeBase {
  const sorted = [...results].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const diagnostics: Diagnostic[] = sorted.flatMap((r) => r.diagnostics);
  const report = (article: Article, line: number, severity: Diagnostic['severity'], code: string, message: string, skipsFile = false) =>
    diagnostics.push({ path: article.path, file: article.file, line, severity, code, message, skipsFile });

  const byId = new Map<string, Article>();
  const byPath = new Map<string, Article>();
  const skippedPaths = new Set(sorted.filter((r) => !r.article).map((r) => r.path));
  for (const { article } of sorted) {
    if (!article) continue;
    const first = byId.get(article.id);
    if (first) {
      report(article, article.keyLines.id ?? 1, 'error', 'duplicate-id',
        `duplicate id "${article.id}": already used by ${first.path}:${first.keyLines.id ?? 1}; this file is not served`, true);
      skippedPaths.add(article.path);
      continue;
    }
    byId.set(article.id, article);
    byPath.set(article.path, article);
  }
  const ids = [...byId.keys()];

  const articles: Article[] = [];
  for (const original of byId.values()) {
    const related: string[] = [];
    original.related.forEach((id) => {
      const line = original.keyLines.related ?? 1;
      const target = byId.get(id);
      if (!target) {
        const guess = ids.length ? closest(id, ids) : undefined;
        const hint = guess && distance(id, guess) <= Math.max(2, id.length / 3) ? ` (did you mean "${guess}"?)` : '';
        report(original, line, 'error', 'related-missing', `related id "${id}" does not exist${hint}`);
      } else if (id === original.id) {
        report(original, line, 'warning', 'related-self', 'an article lists itself as related');
      } else {
        if (target.status === 'draft' && original.status === 'published') {
          report(original, line, 'warning', 'related-draft', `related article "${id}" is a draft and is not offered until published`);
        }
        related.push(id);
      }
    });
    const links = original.links.map((link) => resolveLink(original, link, byPath, skippedPaths, (line, severity, message) =>
      report(original, line, severity, 'broken-link', message)));
    const sections = original.sections.map((s) => rewriteLinks(s, links));
    const forum = original.forum && {
      ...original.forum,
      served: { ...original.forum.served, section: sections.find((s) => s.anchor === original.forum!.served.section.anchor) ?? original.forum.served.section },
    };
    articles.push({ ...original, related, links, sections, ...(forum && { forum }) });
  }

  // The same phrasing in two articles makes the bot pick one at random: report it where it was written second.
  const phrasings = new Map<string, { article: Article; line: number; text: string }>();
  for (const article of articles) {
    const own = [{ text: article.title, line: article.keyLines.title ?? 1 },
      ...article.questions.map((text) => ({ text, line: article.keyLines.questions ?? 1 }))];
    for (const { text, line } of own) {
      const key = comparableText(text);
      if (!key) continue;
      const first = phrasings.get(key);
      if (!first) { phrasings.set(key, { article, line, text }); continue; }
      if (first.article === article || (first.article.topic && first.article.topic === article.topic)) continue;
      report(article, line, 'warning', 'duplicate-question', `"${text}" is also a question or title of ${first.article.path}:${first.line} ("${first.article.id}"): customers asking it may get either`);
    }
  }

  diagnostics.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return {
    dir,
    articles,
    published: articles.filter((a) => a.status === 'published'),
    byId: new Map(articles.map((a) => [a.id, a])),
    diagnostics,
    files: results.length,
  };
}

function resolveLink(
  article: Article, link: ArticleLink, byPath: Map<string, Article>, skipped: Set<string>,
  report: (line: number, severity: Diagnostic['severity'], message: string) => void,
): ArticleLink {
  const href = link.href.trim();
  if (!href || EXTERNAL.test(href)) return link;
  const [rawPath = '', rawAnchor] = href.split('#', 2);
  let target = article;
  if (rawPath) {
    let decoded = rawPath;
    try { decoded = decodeURIComponent(rawPath); } catch { /* keep as written */ }
    if (!/\.md$/i.test(decoded)) return link;
    const targetPath = path.normalize(path.join(path.dirname(article.path), decoded));
    const found = byPath.get(targetPath);
    if (!found) {
      report(link.line, 'error', skipped.has(targetPath)
        ? `link to ${href}: that file has errors and is not served`
        : `broken link: ${href} (no file ${targetPath} in the knowledge folder)`);
      return { ...link, targetPath };
    }
    if (found.status === 'draft' && article.status === 'published') report(link.line, 'warning', `link to ${href}: that article is a draft`);
    target = found;
  }
  const anchor = rawAnchor ? rawAnchor.toLowerCase() : undefined;
  if (anchor && !target.sections.some((s) => s.anchor === anchor)) {
    const anchors = target.sections.map((s) => s.anchor).filter(Boolean);
    report(link.line, 'error', `broken link: ${href} (${target.path} has no section #${anchor}${anchors.length ? `; its sections are #${anchors.join(', #')}` : ''})`);
    return { ...link, targetPath: target.path };
  }
  return { ...link, targetPath: target.path, targetId: target.id, ...(anchor && { anchor }) };
}

/** Points article links at `kb://id#anchor` for renderers, and turns broken ones into plain text. */
function rewriteLinks(section: Section, links: ArticleLink[]): Section {
  let markdown = section.markdown;
  for (const link of links) {
    if (!link.targetPath) continue;
    const escaped = link.href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(String.raw`\[([^\]]*)\]\(\s*<?${escaped}>?(\s+"[^"]*")?\s*\)`, 'g');
    markdown = markdown.replace(pattern, (_all, label: string, title?: string) =>
      link.targetId ? `[${label}](kb://${link.targetId}${link.anchor ? `#${link.anchor}` : ''}${title ?? ''})` : label);
  }
  if (markdown === section.markdown) return section;
  const blocks = section.blocks.map((b) => ({ ...b, markdown: rewriteLinks({ ...section, markdown: b.markdown, blocks: [] }, links).markdown }));
  return { ...section, markdown, blocks };
}
