import MarkdownIt from 'markdown-it';
import { raw, type SafeHtml } from '../html.js';

/** The help center's own address of an article (and section): where `kb://` links and the bot's citations point. */
export function helpPath(id: string, anchor = ''): string {
  return `/help/${encodeURIComponent(id)}${anchor ? `#${encodeURIComponent(anchor)}` : ''}`;
}

// html: false, so any HTML a writer typed is shown as text, never interpreted; markdown-it also refuses
// javascript:, vbscript:, file: and data: link targets (data: images excepted).
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

md.core.ruler.push('escucha_links', (state) => {
  for (const block of state.tokens) {
    for (const token of block.children ?? []) {
      if (token.type !== 'link_open') continue;
      const href = String(token.attrGet('href') ?? '');
      const article = /^kb:\/\/([^#]+)(?:#(.*))?$/.exec(href);
      if (article) token.attrSet('href', helpPath(decoded(article[1]!), decoded(article[2] ?? '')));
      else if (/^https?:/i.test(href)) token.attrSet('rel', 'noopener noreferrer');
    }
  }
});

/** markdown-it percent-encodes link targets; a malformed escape is kept as written rather than failing the page. */
function decoded(text: string): string {
  try { return decodeURIComponent(text); } catch { return text; }
}

/** A section's Markdown as HTML that is safe to put in a page. */
export function renderMarkdown(markdown: string): SafeHtml {
  return raw(md.render(markdown));
}
