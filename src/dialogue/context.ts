import { analyzerFor, LexicalIndex } from '../retrieval/index.js';
import type { Article, Section } from '../knowledge/index.js';

/** Words that open a follow-up leaning on what was said before ("¿y en la app?", "and for premium?"). */
const OPENERS: Readonly<Record<string, readonly string[]>> = {
  es: ['y', 'e', 'pero', 'tambien', 'entonces', 'vale y', 'ok y', 'y si', 'y para', 'y en', 'y con', 'y cuanto', 'y como', 'y donde', 'y cuando', 'y que'],
  en: ['and', 'but', 'also', 'so', 'what about', 'how about', 'and if', 'what if', 'ok and', 'then'],
};

/** Words that point back at the topic ("eso", "that", "it"). */
const POINTERS: Readonly<Record<string, readonly string[]>> = {
  es: ['eso', 'esto', 'ello', 'ahi', 'alli', 'aquello', 'lo mismo'],
  en: ['that', 'it', 'this', 'there', 'them', 'those', 'the same'],
};

const fold = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[¿¡?!.,;:()"]/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Whether a message leans on the conversation: it opens like a follow-up, points back ("eso", "that"), or is too
 * short to stand alone (two content words or fewer).
 */
export function looksLikeFollowUp(text: string, locale: string): boolean {
  if (!fold(text)) return false;
  if (hasFollowUpMarker(text, locale)) return true;
  const analyzer = analyzerFor(locale);
  return analyzer.words(text).filter((w) => !analyzer.isStopWord(w)).length <= 2;
}

/** Whether a message opens like a follow-up or points back at the topic: said so, not just short. */
export function hasFollowUpMarker(text: string, locale: string): boolean {
  const folded = fold(text);
  const padded = ` ${folded} `;
  return (OPENERS[locale] ?? []).some((w) => folded === w || folded.startsWith(`${w} `))
    || (POINTERS[locale] ?? []).some((w) => padded.includes(` ${w} `));
}

const sectionIndexes = new WeakMap<Article, LexicalIndex>();

function sectionIndex(article: Article): LexicalIndex {
  let index = sectionIndexes.get(article);
  if (!index) {
    index = new LexicalIndex(article.sections.map((s, i) => ({
      key: String(i), locale: article.locale,
      fields: [{ text: s.anchor ? s.heading : '', weight: 2 }, { text: s.text, weight: 1 }],
    })));
    sectionIndexes.set(article, index);
  }
  return index;
}

/** Whether some section of the article speaks to most of what the message asks. */
export function topicCovers(article: Article, text: string): boolean {
  return (sectionIndex(article).search(text)[0]?.coverage ?? 0) >= TOPIC_COVERAGE;
}

const TOPIC_COVERAGE = 0.5;

/**
 * The section of an article that answers `text`, preferring one not shown yet: a second question on the same
 * article moves on to the part that answers it instead of repeating the same text. A "how do I" question prefers
 * the steps to a section that merely mentions the same words ("¿cómo activo la eSIM?" wants the procedure, not
 * "la eSIM se activa en 15 minutos").
 */
export function sectionFor(article: Article, text: string, shown: readonly string[], fallback: Section): Section {
  if (article.forum) return article.forum.served.section;
  const matches = sectionIndex(article).search(text)
    .map((m) => ({ section: article.sections[Number(m.key)]!, score: m.score })).filter((m) => m.section.blocks.length);
  // An unseen section that matches; else the best match even if seen (the customer asked the same again).
  const unseen = matches.filter((m) => !shown.includes(m.section.anchor));
  const best = unseen[0];
  if (best && asksHow(text, article.locale)) {
    const steps = unseen.find((m) => m.score >= best.score * STEPS_SHARE && hasSteps(m.section));
    if (steps) return steps.section;
  }
  return (best ?? matches[0])?.section ?? fallback;
}

const HOW: Readonly<Record<string, RegExp>> = {
  es: /(^| )(como|pasos|que (tengo que|hay que|debo) hacer|de que manera|donde (se|lo|la|puedo))( |$)/,
  en: /(^| )(how|steps|what do i (need to )?do|where (do|can) i)( |$)/,
};

const asksHow = (text: string, locale: string) => HOW[locale]?.test(fold(text)) ?? false;
const hasSteps = (section: Section) => section.blocks.some((b) => /^\s*1[.)]\s/m.test(b.markdown));
/** How close to the best match a section with steps must be to win a "how" question. */
const STEPS_SHARE = 0.5;
