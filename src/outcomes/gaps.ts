import { analyzerFor } from '../retrieval/analyzer.js';

/** A question the bot could not answer well, as recorded. */
export interface GapQuestion {
  text: string;
  locale: string;
  bestConfidence: number;
  bestArticleId?: string;
}

export type GapAction = { action: 'new_article' } | { action: 'alternate_question'; articleId: string };

export interface ContentGap {
  locale: string;
  /** How many times it was asked. */
  count: number;
  /** Up to three different phrasings, the most asked first. */
  examples: string[];
  /** The best confidence any of its questions reached. */
  bestConfidence: number;
  suggestion: GapAction;
}

export interface GapOptions {
  /** Cosine similarity of two questions' stemmed words from which they are one gap. */
  similarity: number;
  /** From this confidence (`dialogue.thresholds.clarify`) the best article was a fair match: add the phrasing to it. */
  fairConfidence: number;
}

const EXAMPLES = 3;

/**
 * Question words say how something is asked, not what about: "how do I pay" and "how do I port" are not one gap.
 * The search keeps them (they tell a how-to section from a price), clustering drops them.
 */
const QUESTION_WORDS = new Set(['como', 'que', 'cual', 'cuales', 'cuando', 'donde', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'por', 'porque',
  'how', 'what', 'which', 'when', 'where', 'why', 'can', 'cannot', 'could', 'do', 'does']);

/**
 * Groups unanswered questions into content gaps, per language: a question joins the gap whose words it shares most
 * (cosine of its set of stemmed content words against the gap's word counts) when that reaches `similarity`, else
 * starts one. Deterministic: questions are taken in the order given (oldest first), ties go to the older gap.
 * A gap whose best match was fair names that article ("add this phrasing as an alternate question"); otherwise the
 * help center has nothing on it ("write a new article"). Largest gaps first.
 */
export function clusterGaps(questions: readonly GapQuestion[], options: GapOptions): ContentGap[] {
  const clusters: Cluster[] = [];
  for (const question of questions) {
    const terms = termsOf(question);
    if (!terms.size) continue;
    let best: Cluster | undefined;
    let bestScore = 0;
    for (const cluster of clusters) {
      if (cluster.locale !== question.locale) continue;
      const score = cosine(terms, cluster.counts);
      if (score > bestScore) { best = cluster; bestScore = score; }
    }
    const cluster = best && bestScore >= options.similarity ? best : newCluster(question.locale, clusters);
    cluster.questions.push(question);
    for (const term of terms) cluster.counts.set(term, (cluster.counts.get(term) ?? 0) + 1);
  }
  return clusters
    .map((cluster) => describe(cluster, options))
    .sort((a, b) => b.count - a.count || clusters.indexOf(a.cluster) - clusters.indexOf(b.cluster))
    .map(({ cluster: _cluster, ...gap }) => gap);
}

interface Cluster { locale: string; questions: GapQuestion[]; counts: Map<string, number> }

function newCluster(locale: string, clusters: Cluster[]): Cluster {
  const cluster: Cluster = { locale, questions: [], counts: new Map() };
  clusters.push(cluster);
  return cluster;
}

function termsOf(question: GapQuestion): Set<string> {
  const analyzer = analyzerFor(question.locale);
  const words = analyzer.words(question.text).filter((w) => !QUESTION_WORDS.has(w));
  const content = words.filter((w) => !analyzer.isStopWord(w));
  // A question of stop words only ("¿y eso?") still groups with its own kind.
  return new Set((content.length ? content : words).map((w) => analyzer.stem(w)));
}

function cosine(terms: ReadonlySet<string>, counts: ReadonlyMap<string, number>): number {
  let dot = 0;
  let norm = 0;
  for (const [term, count] of counts) {
    norm += count * count;
    if (terms.has(term)) dot += count;
  }
  return norm ? dot / (Math.sqrt(terms.size) * Math.sqrt(norm)) : 0;
}

function describe(cluster: Cluster, options: GapOptions): ContentGap & { cluster: Cluster } {
  const phrasings = new Map<string, { text: string; count: number }>();
  for (const question of cluster.questions) {
    const key = question.text.trim().toLowerCase();
    const entry = phrasings.get(key) ?? { text: question.text.trim(), count: 0 };
    entry.count++;
    phrasings.set(key, entry);
  }
  const examples = [...phrasings.values()].sort((a, b) => b.count - a.count).slice(0, EXAMPLES).map((p) => p.text);
  const bestConfidence = Math.max(...cluster.questions.map((q) => q.bestConfidence));
  return {
    cluster, locale: cluster.locale, count: cluster.questions.length, examples, bestConfidence: round(bestConfidence),
    suggestion: suggestionFor(cluster.questions, options.fairConfidence),
  };
}

/** The article most of the fair matches pointed to (the better confidence breaks a tie), if any was fair. */
function suggestionFor(questions: readonly GapQuestion[], fair: number): GapAction {
  const votes = new Map<string, { count: number; confidence: number }>();
  for (const q of questions) {
    if (!q.bestArticleId || q.bestConfidence < fair) continue;
    const vote = votes.get(q.bestArticleId) ?? { count: 0, confidence: 0 };
    vote.count++;
    vote.confidence = Math.max(vote.confidence, q.bestConfidence);
    votes.set(q.bestArticleId, vote);
  }
  const [winner] = [...votes.entries()].sort(([idA, a], [idB, b]) => b.count - a.count || b.confidence - a.confidence || idA.localeCompare(idB));
  return winner ? { action: 'alternate_question', articleId: winner[0] } : { action: 'new_article' };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
