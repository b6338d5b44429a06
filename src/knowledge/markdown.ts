import MarkdownIt from 'markdown-it';
import { slugify } from '../util/text.js';
import type { ArticleLink, Section } from './types.js';

// html: true so that raw HTML becomes html_* tokens we can find and remove; it is never rendered.
const md = new MarkdownIt({ html: true, linkify: false });
type Token = ReturnType<typeof md.parse>[number];

export interface BodyProblem { line: number; code: string; message: string }

export interface ParsedBody {
  sections: Section[];
  links: ArticleLink[];
  problems: BodyProblem[];
}

interface Heading { level: number; text: string; bodyStart: number; line: number }

/**
 * Splits a Markdown body into sections by heading. `lineOffset` is the number of file lines before the body,
 * so that every line reported is a line of the file.
 */
export function parseBody(body: string, lineOffset: number, title: string): ParsedBody {
  const tokens = md.parse(body, {});
  const lines = body.split('\n');
  const problems: BodyProblem[] = [];
  const links: ArticleLink[] = [];
  const dropLines = new Set<number>();
  const inlineRemovals = new Map<number, string[]>();

  // Top-level blocks, each with its 0-based line range in the body.
  const blocks: { start: number; end: number; tokens: Token[] }[] = [];
  const headings: Heading[] = [];
  let depth = 0;
  let current: { start: number; end: number; tokens: Token[] } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open' && depth === 0) {
      const inline = tokens[i + 1]!;
      const map = token.map ?? [0, 1];
      headings.push({ level: Number(token.tag.slice(1)), text: inlineText(inline.children ?? []).trim(), bodyStart: map[1], line: map[0] });
      collectInline(inline, map[0]);
      i += 2;
      continue;
    }
    if (depth === 0) {
      current = { start: token.map?.[0] ?? 0, end: token.map?.[1] ?? 0, tokens: [] };
      blocks.push(current);
    }
    current?.tokens.push(token);
    if (token.type === 'html_block') {
      const [start, end] = token.map ?? [0, 0];
      for (let l = start; l < end; l++) dropLines.add(l);
      problems.push({ line: lineOffset + start + 1, code: 'html', message: `raw HTML removed (${describeHtml(token.content)}): use Markdown instead` });
    }
    if (token.type === 'inline') collectInline(token, token.map?.[0] ?? current?.start ?? 0);
    depth += token.nesting;
  }

  function collectInline(inline: Token, line: number): void {
    for (const child of inline.children ?? []) {
      if (child.type === 'html_inline') {
        const list = inlineRemovals.get(line) ?? [];
        list.push(child.content);
        inlineRemovals.set(line, list);
        const message = `raw HTML removed (${describeHtml(child.content)}): use Markdown instead`;
        // <b>x</b> is one mistake, not two.
        if (!problems.some((p) => p.line === lineOffset + line + 1 && p.message === message)) {
          problems.push({ line: lineOffset + line + 1, code: 'html', message });
        }
      } else if (child.type === 'link_open') {
        const href = String(child.attrGet('href') ?? '');
        links.push({ href, line: lineOffset + line + 1 });
      }
    }
  }

  // Remove HTML from the source lines once, then cut sections and blocks out of the cleaned lines.
  const clean: (string | null)[] = lines.map((text, i) => (dropLines.has(i) ? null : text));
  // An inline tag can sit on any line of its paragraph: look from the paragraph's first line on.
  for (const [line, removals] of inlineRemovals) {
    for (const html of removals) {
      for (let l = line; l < clean.length; l++) {
        const value = clean[l];
        if (value != null && value.includes(html)) { clean[l] = value.replace(html, ''); break; }
      }
    }
  }
  const slice = (start: number, end: number): string =>
    clean.slice(start, end).filter((l): l is string => l !== null).join('\n').replace(/\n{3,}/g, '\n\n').trim();

  const sections: Section[] = [];
  const used = new Map<string, number>();
  const stack: Heading[] = [];
  const ranges: { heading?: Heading; start: number; end: number }[] = [];
  const firstHeadingLine = headings[0]?.line ?? lines.length;
  ranges.push({ start: 0, end: firstHeadingLine });
  headings.forEach((h, i) => ranges.push({ heading: h, start: h.bodyStart, end: headings[i + 1]?.line ?? lines.length }));

  for (const range of ranges) {
    const inRange = blocks.filter((b) => b.start >= range.start && b.start < range.end);
    const blockMarkdown = inRange.map((b) => ({ markdown: slice(b.start, b.end), text: blockText(b.tokens) })).filter((b) => b.markdown && b.text);
    const text = blockMarkdown.map((b) => b.text).join('\n').trim();
    if (!range.heading) {
      if (!text) continue;
      sections.push({ anchor: '', heading: title, headingPath: [], markdown: slice(range.start, range.end), text, blocks: blockMarkdown, line: lineOffset + (inRange[0]?.start ?? range.start) + 1 });
      continue;
    }
    const h = range.heading;
    while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
    stack.push(h);
    const base = slugify(h.text) || 'section';
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    sections.push({
      anchor: seen ? `${base}-${seen + 1}` : base,
      heading: h.text,
      headingPath: stack.map((s) => s.text),
      markdown: slice(range.start, range.end),
      text,
      blocks: blockMarkdown,
      line: lineOffset + h.line + 1,
    });
  }
  return { sections, links, problems };
}

function describeHtml(html: string): string {
  const tag = /<\/?\s*([a-zA-Z][\w-]*)/.exec(html)?.[1];
  return tag ? `<${tag.toLowerCase()}>` : 'HTML';
}

function inlineText(children: Token[]): string {
  let out = '';
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') out += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') out += ' ';
    else if (child.type === 'image') out += child.content;
  }
  return out;
}

function blockText(tokens: Token[]): string {
  const lines: string[] = [];
  let row: string[] | undefined;
  for (const token of tokens) {
    if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close' && row) { lines.push(row.join(' | ')); row = undefined; }
    else if (token.type === 'inline') {
      const text = inlineText(token.children ?? []).trim();
      if (row) row.push(text);
      else if (text) lines.push(text);
    } else if (token.type === 'fence' || token.type === 'code_block') lines.push(token.content.trim());
  }
  return lines.filter(Boolean).join('\n');
}
