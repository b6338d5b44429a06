import { loadLexicon, type Lexicon, type WordValue } from './lexicon.js';
import { similarEarlier } from './repetition.js';
import { analyze, baseEmoji, clauseBreakBetween, emojiOf, type AnalyzedText, type Span } from './text.js';
import type { CalmingReason, MessageScore, Reason } from './types.js';

/** Weights of the rules that are not word lists. */
export interface RuleWeights {
  /** Most of the message in capitals (three words or more). */
  shouting: number;
  /** Each word in capitals in an otherwise normal message ("humano YA"), up to twice this. */
  emphasis: number;
  /** A run of two "!" or "?", three, four or more. */
  punctuation: [two: number, three: number, more: number];
  /** The message asks again what an earlier message asked; more for each further earlier one. */
  repeatedQuestion: number;
  repeatedQuestionEach: number;
  /** A positive word opening a message that describes a problem; more for each further problem word. */
  sarcasm: number;
  sarcasmEach: number;
}

export interface DetectorOptions {
  /** The lexicon to read; by default the built-in one of the locale's language ({@link loadLexicon}). */
  lexicon?: Lexicon;
  /** How many words before a positive word a negation still turns it negative ("no es que esté contento"). */
  negationWindow?: number;
  /** How many words before a negative word a negation still cancels it ("no está nada mal"). */
  negatedNegativeWindow?: number;
  /** How many words before or after an emotion word an intensifier still applies. */
  intensifierWindow?: number;
  /** What a negated positive word weighs, as a share of its positive weight ("no estoy contento"). */
  negatedPositive?: number;
  /** Weight kept by a threat to leave phrased as a question ("¿qué pasa con mi número si me doy de baja?"). */
  questionDamping?: number;
  /** Share of content words an earlier message must share to count as the same question. */
  repeatSimilarity?: number;
  /** How many of the first words a sarcastic positive word may be at ("Oh, genial, ..."). */
  sarcasmOpening?: number;
  /** The least weight of a positive word that can be sarcastic (praise, not courtesy). */
  sarcasmMinWeight?: number;
  weights?: Partial<RuleWeights>;
}

export const DEFAULT_RULE_WEIGHTS: RuleWeights = {
  shouting: 0.45, emphasis: 0.12, punctuation: [0.2, 0.3, 0.45],
  repeatedQuestion: 0.35, repeatedQuestionEach: 0.15, sarcasm: 0.35, sarcasmEach: 0.15,
};

export const DEFAULT_DETECTOR_OPTIONS = {
  negationWindow: 4, negatedNegativeWindow: 2, intensifierWindow: 2, negatedPositive: 1, questionDamping: 0.3,
  repeatSimilarity: 0.5, sarcasmOpening: 3, sarcasmMinWeight: 0.3,
} satisfies Omit<DetectorOptions, 'lexicon' | 'weights'>;

/** The score at or above which one message counts as frustrated. */
export const DEFAULT_FRUSTRATED_THRESHOLD = 0.5;

const MAX_WEIGHT = 0.95;
const MAX_FACTOR = 2;

/**
 * How frustrated one customer message reads, 0..1, and why. `history` holds the customer's earlier messages in the
 * conversation (oldest first), for repeated questions. Pure: no I/O once the lexicon is loaded.
 *
 * Each reason is independent evidence: the score is 1 − Π(1 − weight), so one insult is enough and several mild
 * signs add up. Positive words and emoji then lower it, less so the stronger the evidence ("gracias" does not undo
 * an insult).
 */
export function scoreMessage(text: string, locale: string, history: readonly string[] = [], options: DetectorOptions = {}): MessageScore {
  const lexicon = options.lexicon ?? loadLexicon(locale);
  const settings = { ...DEFAULT_DETECTOR_OPTIONS, ...definedOnly(options) };
  const weights = { ...DEFAULT_RULE_WEIGHTS, ...options.weights };
  const analyzed = analyze(text);
  const reasons: Reason[] = [];
  const calming: CalmingReason[] = [];

  // One word belongs to one phrase, the longest: "hell yeah" is not "hell", "bot inútil" is not also "inútil".
  const found = acceptNonOverlapping(lexicon.words.find(analyzed).map(({ span, value }) => ({ span, ...value })));
  const questionOpeners = lexicon.questionOpeners.find(analyzed).map((q) => q.span);
  for (const f of found) {
    if (f.kind === 'negativeWords' || f.kind === 'positive') continue;
    const asked = f.kind === 'threatToLeave'
      && (endsInQuestion(analyzed, f.span) || questionOpeners.some((q) => q.last < f.span.first && f.span.first - q.last <= 6));
    reasons.push({ kind: f.kind, match: f.span.match, weight: round(asked ? f.weight * settings.questionDamping : f.weight) });
  }
  const positives = emotionWords(analyzed, lexicon, found.filter((f) => f.kind === 'negativeWords' || f.kind === 'positive'), settings, reasons);
  const sarcastic = sarcasm(analyzed, lexicon, positives, settings.sarcasmOpening, settings.sarcasmMinWeight, weights);
  if (sarcastic) reasons.push(sarcastic.reason);
  for (const p of positives) if (p !== sarcastic?.opener) calming.push({ kind: 'positiveWords', match: p.span.match, weight: p.weight });
  shouting(analyzed, lexicon, weights, reasons);
  punctuation(text, weights, reasons);
  emoji(text, lexicon, reasons, calming);
  const earlier = history.length ? similarEarlier(text, history, locale, settings.repeatSimilarity) : [];
  if (earlier.length) {
    const weight = Math.min(MAX_WEIGHT, weights.repeatedQuestion + weights.repeatedQuestionEach * (earlier.length - 1));
    reasons.push({ kind: 'repeatedQuestion', match: earlier[earlier.length - 1]!, weight: round(weight) });
  }

  const evidence = 1 - reasons.reduce((left, r) => left * (1 - r.weight), 1);
  const calm = 1 - calming.reduce((left, c) => left * (1 - c.weight), 1);
  return { score: round(evidence * (1 - calm * (1 - evidence))), reasons, calming };
}

/** Whether the sentence holding a span ends with "?" ("si me doy de baja ahora, ¿tengo que pagar algo?"). */
function endsInQuestion(text: AnalyzedText, span: Span): boolean {
  const after = text.text.slice(text.tokens[span.last]!.end);
  return after.match(/[.!?]/u)?.[0] === '?';
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

interface Found { span: Span; weight: number; kind: WordValue['kind'] }

/** Matches that do not overlap: longer phrases first ("no me gusta" over "gusta"), then heavier ones. */
function acceptNonOverlapping(all: Found[]): Found[] {
  all.sort((a, b) => (b.span.last - b.span.first) - (a.span.last - a.span.first) || b.weight - a.weight || a.span.first - b.span.first);
  const taken = new Set<number>();
  const accepted: Found[] = [];
  for (const found of all) {
    let free = true;
    for (let i = found.span.first; i <= found.span.last && free; i++) if (taken.has(i)) free = false;
    if (!free) continue;
    for (let i = found.span.first; i <= found.span.last; i++) taken.add(i);
    accepted.push(found);
  }
  return accepted.sort((a, b) => a.span.first - b.span.first);
}

/**
 * Emotion words with negation and intensifiers: negative words become reasons, negated positive words too ("no
 * estoy nada contento"), negated negative words drop out ("no está mal"); the positive words left are returned.
 */
function emotionWords(text: AnalyzedText, lexicon: Lexicon, found: readonly Found[], settings: typeof DEFAULT_DETECTOR_OPTIONS, reasons: Reason[]): Found[] {
  if (!found.length) return [];
  const negations = lexicon.negations.find(text).map((n) => n.span);
  const intensifiers = lexicon.intensifiers.find(text).map(({ span, value }) => ({ span, factor: value }));
  const near = (from: number, to: number, window: number) => Math.abs(to - from) <= window && !clauseBreakBetween(text, from, to, lexicon.clauseBreaks);
  const positives: Found[] = [];
  for (const f of found) {
    const { first, last } = f.span;
    // "not bad" is not bad, but in "doesn't matter how stupid" the negation is about something else.
    const window = f.kind === 'positive' ? settings.negationWindow : settings.negatedNegativeWindow;
    const negation = negations.filter((n) => n.last < first && near(n.last, first, window)).sort((a, b) => a.first - b.first)[0];
    const factors = intensifiers.filter((i) => (i.span.last < first && near(i.span.last, first, settings.intensifierWindow + (negation ? 1 : 0)))
      || (i.span.first > last && near(last, i.span.first, settings.intensifierWindow))).map((i) => i.factor);
    // Amplifiers compound ("really really bad"), up to doubling; the strongest softener applies.
    const factor = Math.min(MAX_FACTOR, factors.filter((x) => x > 1).reduce((a, b) => a * b, 1)) * Math.min(1, ...factors);
    const weight = Math.min(MAX_WEIGHT, f.weight * factor);
    if (f.kind !== 'positive') {
      if (!negation) reasons.push({ kind: 'negativeWords', match: f.span.match, weight: round(weight) });
    } else if (negation) {
      const match = text.text.slice(text.tokens[negation.first]!.start, text.tokens[last]!.end);
      reasons.push({ kind: 'negativeWords', match, weight: round(Math.min(MAX_WEIGHT, weight * settings.negatedPositive)) });
    } else {
      positives.push({ ...f, weight: round(weight) });
    }
  }
  return positives;
}

/** "Genial, otra vez sin datos": a positive word among the first few, and words of a problem after it. */
function sarcasm(text: AnalyzedText, lexicon: Lexicon, positives: readonly Found[], opening: number, minWeight: number, weights: RuleWeights) {
  // Courtesy ("perdona", "please") opens calm messages about problems all the time: only praise reads as sarcasm.
  const opener = positives.find((p) => p.span.first < opening && p.weight >= minWeight);
  if (!opener) return undefined;
  const problems = lexicon.sarcasmProblems.find(text).map((p) => p.span).filter((s) => s.first > opener.span.last);
  if (!problems.length) return undefined;
  const weight = Math.min(MAX_WEIGHT, weights.sarcasm + weights.sarcasmEach * (problems.length - 1));
  const match = [opener.span.match, ...problems.map((p) => p.match)].join(' … ');
  return { opener, reason: { kind: 'sarcasm' as const, match, weight: round(weight) } };
}

function shouting(text: AnalyzedText, lexicon: Lexicon, weights: RuleWeights, reasons: Reason[]): void {
  let letters = 0, shoutedLetters = 0;
  const shouted: string[] = [];
  for (const token of text.tokens) {
    const count = (token.raw.match(/\p{L}/gu) ?? []).length;
    letters += count;
    if (count < 2 || token.raw !== token.raw.toUpperCase() || token.raw === token.raw.toLowerCase() || lexicon.acronyms.has(token.word)) continue;
    shoutedLetters += count;
    shouted.push(token.raw);
  }
  if (!shouted.length) return;
  const match = shouted.join(' ');
  if (shouted.length >= 3 && shoutedLetters / letters >= 0.5) reasons.push({ kind: 'shouting', match, weight: weights.shouting });
  else reasons.push({ kind: 'shouting', match, weight: round(Math.min(2, shouted.length) * weights.emphasis) });
}

function punctuation(text: string, weights: RuleWeights, reasons: Reason[]): void {
  for (const m of text.matchAll(/[!?¡¿]{2,}/gu)) {
    const [two, three, more] = weights.punctuation;
    const length = m[0].length;
    reasons.push({ kind: 'punctuation', match: m[0], weight: length === 2 ? two : length === 3 ? three : more });
  }
}

/** Emoji and emoticons; the same one repeated counts half as much each further time. */
function emoji(text: string, lexicon: Lexicon, reasons: Reason[], calming: CalmingReason[]): void {
  const seen = new Map<string, number>();
  const add = (key: string, shown: string, weight: number) => {
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    const w = round(Math.abs(weight) * 0.5 ** times);
    if (weight > 0) reasons.push({ kind: 'emoji', match: shown, weight: w });
    else calming.push({ kind: 'emoji', match: shown, weight: w });
  };
  for (const e of emojiOf(text)) {
    const weight = lexicon.emoji.get(baseEmoji(e) ?? e);
    if (weight) add(e, e, weight);
  }
  for (const { regex, text: emoticon, weight } of lexicon.emoticons) for (const _ of text.matchAll(regex)) add(emoticon, emoticon, weight);
}
