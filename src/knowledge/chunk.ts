import { sha256 } from '../util/hash.js';
import type { Article, Block, Section } from './types.js';

/** A piece of one section, small enough to embed, never cutting a list, table or code block. */
export interface Chunk {
  /** `articleId#anchor@n`, stable while the article's structure is. */
  id: string;
  articleId: string;
  locale: string;
  anchor: string;
  heading: string;
  headingPath: string[];
  markdown: string;
  /** Plain text to index: the title and heading path give a short section its context. */
  text: string;
  /** sha256 of `text`: an unchanged chunk is never embedded twice. */
  hash: string;
}

export function chunkArticle(article: Article, maxChars: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of article.sections) {
    const groups = packBlocks(section, maxChars);
    groups.forEach((blocks, n) => {
      const context = [article.title, ...section.headingPath].join(' › ');
      const text = `${context}\n${blocks.map((b) => b.text).join('\n')}`;
      chunks.push({
        id: `${article.id}#${section.anchor}@${n}`,
        articleId: article.id,
        locale: article.locale,
        anchor: section.anchor,
        heading: section.heading,
        headingPath: section.headingPath,
        markdown: blocks.map((b) => b.markdown).join('\n\n'),
        text,
        hash: sha256(text),
      });
    });
  }
  return chunks;
}

function packBlocks(section: Section, maxChars: number): Block[][] {
  const groups: Block[][] = [];
  let current: Block[] = [];
  let size = 0;
  for (const block of section.blocks) {
    if (current.length && size + block.text.length > maxChars) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += block.text.length + 1;
  }
  if (current.length) groups.push(current);
  return groups;
}
