import { slugify } from '../util/text.js';
import type { BodyProblem } from './markdown.js';
import type { ForumAnswer, ForumThread, Section } from './types.js';

const SEPARATOR = String.raw`\s*(?:·|\||\s-\s)\s*`;
/** `Answer by @ana · 14 votes · accepted` or `Respuesta de @ana · 9 votos · aceptada` (separators ·, | or -). */
const ANSWER_HEADING = new RegExp(
  String.raw`^(?:answer by|respuesta de)\s+(.+?)${SEPARATOR}(-?\d+)\s*(?:votes?|votos?)(?:${SEPARATOR}(accepted|aceptada|aceptado))?\s*$`,
  'i',
);
const LOOKS_LIKE_ANSWER = /^(answer|respuesta)\b/i;

export const FORUM_HEADING_HELP = 'write answers as `## Answer by NAME · N votes` (add `· accepted` to the accepted one) or `## Respuesta de NOMBRE · N votos · aceptada`';

export function parseAnswerHeading(heading: string): { author: string; votes: number; accepted: boolean } | undefined {
  const match = ANSWER_HEADING.exec(heading.trim());
  if (!match) return undefined;
  return { author: match[1]!.trim(), votes: Number(match[2]), accepted: Boolean(match[3]) };
}

/**
 * Reads a forum thread out of an article's sections: the original post, then one top-level section per answer.
 * Returns the sections to serve (original post and the chosen answer) and the thread.
 */
export function parseForum(sections: Section[], title: string): { sections: Section[]; thread?: ForumThread; problems: BodyProblem[] } {
  const problems: BodyProblem[] = [];
  const post: Section[] = [];
  const answers: ForumAnswer[] = [];
  for (const section of sections) {
    const topLevel = section.headingPath.length === 1;
    const parsed = parseAnswerHeading(section.heading);
    if (parsed) {
      // Votes change; the anchor of an answer must not, so it is named after its author only.
      const base = slugify(`answer ${parsed.author}`) || 'answer';
      const taken = answers.filter((a) => a.section.anchor === base || a.section.anchor.startsWith(`${base}-`)).length;
      const anchor = taken ? `${base}-${taken + 1}` : base;
      answers.push({ ...parsed, line: section.line, section: { ...section, anchor, headingPath: [] } });
      continue;
    }
    const last = answers[answers.length - 1];
    if (topLevel && (last || LOOKS_LIKE_ANSWER.test(section.heading))) {
      problems.push({ line: section.line, code: 'forum-heading', message: `forum heading "${section.heading}" is not an answer heading: ${FORUM_HEADING_HELP}` });
    }
    if (last) last.section = merge(last.section, section);
    else post.push(section);
  }
  if (!answers.length) return { sections: post, problems };

  const accepted = answers.filter((a) => a.accepted);
  if (accepted.length > 1) {
    problems.push({ line: accepted[1]!.line, code: 'forum-accepted', message: `more than one accepted answer: only the first one (line ${accepted[0]!.line}) is served` });
  }
  const served = accepted[0] ?? answers.reduce((best, a) => (a.votes > best.votes ? a : best));
  const original: Section | undefined = post.length
    ? post.slice(1).reduce(merge, { ...post[0]!, anchor: '', heading: title, headingPath: [] })
    : undefined;
  return {
    sections: original ? [original, served.section] : [served.section],
    thread: { answers, served, servedBecause: accepted.length ? 'accepted' : 'votes' },
    problems,
  };
}

function merge(into: Section, extra: Section): Section {
  return {
    ...into,
    markdown: `${into.markdown}\n\n${'#'.repeat(Math.min(6, extra.headingPath.length + 1))} ${extra.heading}\n\n${extra.markdown}`.trim(),
    text: `${into.text}\n${extra.heading}\n${extra.text}`.trim(),
    blocks: [...into.blocks, ...extra.blocks],
  };
}
