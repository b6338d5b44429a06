import type { Article, Section } from '../knowledge/index.js';

/** A reply in the engine's one source format (a safe Markdown subset); channels render it with `renderReply`. */
export interface Reply {
  /** Markdown: paragraphs, lists, **bold**, `code`, [links](url). */
  text: string;
  /** The article the answer comes from. */
  citation?: { title: string; url: string };
  /** Choices the customer can tap or type: clarification options, "Did this help?". */
  options?: { label: string; value: string }[];
  /** How to answer the options in a channel without buttons ("Reply with the number or the name"). */
  hint?: string;
  /** Related articles offered as next steps. */
  related?: { title: string; url: string }[];
}

export type ReplyFormat = 'markdown' | 'plain' | 'html';

/** Where the full article lives: the configured help center, else Escucha's own `/help`. */
export function articleUrl(helpCenterUrl: string | undefined, id: string, anchor = ''): string {
  const base = helpCenterUrl ? helpCenterUrl.replace(/\/+$/, '') : '/help';
  return `${base}/${encodeURIComponent(id)}${anchor ? `#${encodeURIComponent(anchor)}` : ''}`;
}

/**
 * The part of a section that fits a chat bubble: whole blocks (a list or table is never cut) up to `maxChars`; a
 * first block longer than that is cut at a sentence or word boundary, with an ellipsis.
 */
export function trimSection(section: Section, maxChars: number, helpCenterUrl?: string): { markdown: string; trimmed: boolean } {
  const blocks = section.blocks.map((b) => linkArticles(b.markdown, helpCenterUrl));
  const kept: string[] = [];
  let length = 0;
  for (const block of blocks) {
    if (kept.length && length + block.length > maxChars) break;
    kept.push(block);
    length += block.length + 2;
  }
  if (!kept.length) return { markdown: '', trimmed: false };
  let trimmed = kept.length < blocks.length;
  if (kept[0]!.length > maxChars) {
    kept[0] = cutAt(kept[0]!, maxChars);
    trimmed = true;
  }
  return { markdown: kept.join('\n\n'), trimmed };
}

function cutAt(text: string, maxChars: number): string {
  const head = text.slice(0, maxChars);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'));
  if (sentence > maxChars * 0.5) return head.slice(0, sentence + 1);
  const space = head.lastIndexOf(' ');
  return `${head.slice(0, space > 0 ? space : maxChars).replace(/[\s,;:(–-]+$/, '')}…`;
}

/** `kb://id#anchor` links (how the knowledge links its articles) become help center URLs. */
function linkArticles(markdown: string, helpCenterUrl?: string): string {
  return markdown.replace(/\]\(kb:\/\/([^)#\s]+)(?:#([^)\s]*))?\)/g, (_, id: string, anchor?: string) =>
    `](${articleUrl(helpCenterUrl, decodeURIComponent(id), anchor ? decodeURIComponent(anchor) : '')})`);
}

export const citationOf = (article: Article, section: Section, helpCenterUrl?: string) =>
  ({ title: article.title, url: articleUrl(helpCenterUrl, article.id, section.anchor) });

/**
 * Renders a reply for a channel. `markdown` for Bot Framework (Teams, Web Chat), `plain` for SMS-like channels and
 * the terminal, `html` for web pages: every piece of text is escaped, only the Markdown subset becomes markup, and
 * links keep only http(s), mailto, tel and relative URLs (no `javascript:`).
 */
export function renderReply(reply: Reply, format: ReplyFormat, labels: { readMore: (link: string) => string; related: string },
  { optionsAsButtons = false } = {}): string {
  const parts = [reply.text];
  if (reply.citation) parts.push(labels.readMore(link(reply.citation.title, reply.citation.url)));
  if (reply.related?.length) parts.push(`${labels.related}\n${reply.related.map((r) => `- ${link(r.title, r.url)}`).join('\n')}`);
  // Channels with buttons (Bot Framework suggested actions) show the options themselves.
  if (reply.options?.length && !optionsAsButtons) {
    parts.push(reply.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n'));
    if (reply.hint) parts.push(reply.hint);
  }
  const markdown = parts.filter(Boolean).join('\n\n');
  if (format === 'markdown') return sanitizeMarkdown(markdown);
  if (format === 'plain') return toPlain(markdown);
  return toHtml(markdown);
}

const link = (title: string, url: string) => `[${title.replace(/[[\]]/g, '')}](${url})`;

const SAFE_URL = /^(https?:|mailto:|tel:|\/|#)/i;

/** Markdown with unsafe link targets and raw HTML neutralised (channels render Markdown themselves). */
function sanitizeMarkdown(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, (whole, text: string, url: string) => (SAFE_URL.test(url) ? whole : text))
    .replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toPlain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, (_, text: string, url: string) => (SAFE_URL.test(url) ? `${text} (${url})` : text))
    .replace(/\*\*([^*]+)\*\*/g, '$1').replace(/__([^_]+)__/g, '$1')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1$2').replace(/`([^`]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '');
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, (_, label: string, url: string) => {
      const href = url.replace(/&amp;/g, '&');
      return SAFE_URL.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    })
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

function toHtml(markdown: string): string {
  return markdown.split(/\n{2,}/).map((block) => {
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*[-*]\s+/.test(l))) return `<ul>${lines.map((l) => `<li>${inlineHtml(l.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`;
    if (lines.every((l) => /^\s*\d+[.)]\s+/.test(l))) return `<ol>${lines.map((l) => `<li>${inlineHtml(l.replace(/^\s*\d+[.)]\s+/, ''))}</li>`).join('')}</ol>`;
    return `<p>${lines.map(inlineHtml).join('<br>')}</p>`;
  }).join('');
}
