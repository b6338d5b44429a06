import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseEmoji, compilePattern, fold, PatternSet } from './text.js';
import type { ReasonKind } from './types.js';

/**
 * The words and phrases the frustration detector reads, one JSON file per language (`lexicon/<lang>.json`), which an
 * operator extends with a file of the same shape (every key optional). Phrases use the syntax of
 * {@link compilePattern}; a weight is how much one match alone says the customer is frustrated (0..1), combined
 * with the others as independent evidence. Keys starting with "_" are comments.
 *
 * - `negations`: phrases that flip the next few words ("no", "nunca", "not", "dont").
 * - `clauseBreaks`: words that end the reach of a negation or an intensifier ("pero", "but").
 * - `intensifiers`: phrase → factor; above 1 strengthens a nearby emotion word ("muy", "at all"), below 1 softens
 *   it ("un poco", "a bit").
 * - `negativeWords`, `positiveWords`: emotion words and phrases. A negated positive word counts as negative ("no
 *   estoy contento"); a negated negative word counts for nothing ("no está mal"). Positive words calm the score.
 * - `insults`, `profanity`, `botComplaints`, `personRequests`, `threats` (to leave), `waiting` (and repetition):
 *   phrase → weight.
 * - `questionOpeners`: a threat after one of these is a question about leaving ("¿cómo me doy de baja?"): damped.
 * - `sarcasm.problems`: words of a problem; a positive word opening a message that has one reads as sarcasm
 *   ("genial, otra vez sin datos").
 * - `acronyms`: words written in capitals that are not shouting (SIM, PIN, APN).
 * - `emoji`: an emoji or an emoticon (":(", "-_-") → weight from -1 (calming) to 1.
 *
 * In an operator's file, an entry overrides the built-in weight of the same phrase, weight 0 removes it, and lists
 * are added to.
 */

const weight = z.number({ error: 'a weight between 0 and 1' }).min(0, { error: 'a weight between 0 and 1' }).max(1, { error: 'a weight between 0 and 1' });
const factor = z.number({ error: 'a factor between 0 and 3' }).positive({ error: 'a factor between 0 and 3' }).max(3, { error: 'a factor between 0 and 3' });
const emojiWeight = z.number({ error: 'a weight between -1 and 1' }).min(-1, { error: 'a weight between -1 and 1' }).max(1, { error: 'a weight between -1 and 1' });
const phrases = z.array(z.string({ error: 'a phrase (text)' }), { error: 'a list of phrases' });
const weighted = <T extends z.ZodType>(value: T) => z.record(z.string(), value, { error: 'an object of "phrase": number' });

export const PHRASE_KINDS = ['insults', 'profanity', 'botComplaints', 'personRequests', 'threats', 'waiting'] as const;
export type PhraseKind = (typeof PHRASE_KINDS)[number];

const TOP_LEVEL_KEYS = ['negations', 'clauseBreaks', 'intensifiers', 'negativeWords', 'positiveWords', ...PHRASE_KINDS,
  'questionOpeners', 'sarcasm', 'acronyms', 'emoji'];

export const lexiconDataSchema = z.object({
  negations: phrases.optional(),
  clauseBreaks: phrases.optional(),
  intensifiers: weighted(factor).optional(),
  negativeWords: weighted(weight).optional(),
  positiveWords: weighted(weight).optional(),
  insults: weighted(weight).optional(),
  profanity: weighted(weight).optional(),
  botComplaints: weighted(weight).optional(),
  personRequests: weighted(weight).optional(),
  threats: weighted(weight).optional(),
  waiting: weighted(weight).optional(),
  questionOpeners: phrases.optional(),
  sarcasm: z.strictObject({ problems: phrases.optional() }).optional(),
  acronyms: phrases.optional(),
  emoji: weighted(emojiWeight).optional(),
}, { error: 'a JSON object' }).catchall(z.unknown()).superRefine((data, ctx) => {
  for (const [key, value] of Object.entries(data)) {
    if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('_')) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown key; expected one of ${TOP_LEVEL_KEYS.join(', ')}` });
      continue;
    }
    if (key === 'emoji' || key === 'acronyms' || key.startsWith('_')) continue;
    const list = key === 'sarcasm' ? (value as { problems?: string[] }).problems ?? []
      : Array.isArray(value) ? value as string[] : Object.keys(value as object);
    for (const [i, phrase] of list.entries()) {
      try { compilePattern(phrase); } catch (error) {
        const path = key === 'sarcasm' ? [key, 'problems', i] : Array.isArray(value) ? [key, i] : [key, phrase];
        ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(phrase)}: ${(error as Error).message}` });
      }
    }
  }
  for (const key of Object.keys(data.emoji ?? {})) {
    if (!baseEmoji(key) && !/^[^\s\p{L}\p{N}][^\s]{1,3}$/u.test(key)) {
      ctx.addIssue({ code: 'custom', path: ['emoji', key], message: 'an emoji, or an emoticon of 2 to 4 characters such as ":(" or "-_-"' });
    }
  }
});

export type LexiconData = z.infer<typeof lexiconDataSchema>;

/** What a match of the lexicon's words and phrases says: a reason kind, or a positive word, and its weight. */
export interface WordValue { kind: ReasonKind | 'positive'; weight: number }

/** A language's lexicon, compiled: what {@link scoreMessage} reads. */
export interface Lexicon {
  locale: string;
  /** Where it came from, for messages: the built-in file and any operator files. */
  sources: string[];
  /** Emotion words, positive words and the phrase lists, together: one word belongs to one match. */
  words: PatternSet<WordValue>;
  negations: PatternSet<null>;
  clauseBreaks: Set<string>;
  /** Phrase → factor. */
  intensifiers: PatternSet<number>;
  questionOpeners: PatternSet<null>;
  sarcasmProblems: PatternSet<null>;
  acronyms: Set<string>;
  /** Base pictograph → weight. */
  emoji: Map<string, number>;
  emoticons: { regex: RegExp; text: string; weight: number }[];
}

const REASON_OF: Record<PhraseKind | 'negativeWords' | 'positiveWords', WordValue['kind']> = {
  negativeWords: 'negativeWords', positiveWords: 'positive', insults: 'insult', profanity: 'profanity',
  botComplaints: 'botComplaint', personRequests: 'askedForPerson', threats: 'threatToLeave', waiting: 'waiting',
};

/** A lexicon file is wrong: the message names the file and the key. */
export class LexiconError extends Error {}

const DATA_DIR = new URL('./lexicon/', import.meta.url);
const builtIn = new Map<string, LexiconData | undefined>();
const defaults = new Map<string, Lexicon>();

const baseOf = (locale: string): string => locale.toLowerCase().split(/[-_]/)[0] ?? locale;

/** Validates lexicon data; a mistake throws a LexiconError listing each wrong key. */
export function parseLexicon(raw: unknown, source: string): LexiconData {
  const parsed = lexiconDataSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${source}: ${formatPath(issue.path)}: ${issue.message}`);
  throw new LexiconError(lines.join('\n'));
}

function formatPath(path: readonly PropertyKey[]): string {
  if (!path.length) return '(top level)';
  return path.map((part, i) => typeof part === 'number' ? `[${part}]`
    : /^[A-Za-z_]\w*$/.test(String(part)) ? `${i ? '.' : ''}${String(part)}` : `[${JSON.stringify(String(part))}]`).join('');
}

export function readLexiconFile(file: string): LexiconData {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (error) {
    throw new LexiconError(`${file}: cannot read the lexicon file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (error) { throw new LexiconError(`${file}: not valid JSON (${(error as Error).message})`); }
  return parseLexicon(raw, file);
}

function builtInData(lang: string): LexiconData | undefined {
  if (builtIn.has(lang)) return builtIn.get(lang);
  const file = fileURLToPath(new URL(`${lang}.json`, DATA_DIR));
  let data: LexiconData | undefined;
  try { data = readLexiconFile(file); } catch (error) {
    if (!(error instanceof LexiconError && / cannot read .*ENOENT/.test(error.message))) throw error;
  }
  builtIn.set(lang, data);
  return data;
}

/**
 * The lexicon for a locale ("es", "en-GB"): the built-in file of its language, plus an operator's file on top when
 * given. A language without a built-in file gets only the emoji of the English one (emoji read the same in any
 * language). Throws a LexiconError naming the file and the key when a file is wrong.
 */
export function loadLexicon(locale: string, extraFile?: string): Lexicon {
  if (!extraFile) {
    let lexicon = defaults.get(baseOf(locale));
    if (!lexicon) { lexicon = buildLexicon(locale, []); defaults.set(baseOf(locale), lexicon); }
    return lexicon;
  }
  return buildLexicon(locale, [{ data: readLexiconFile(extraFile), source: extraFile }]);
}

/** The built-in lexicon of a locale's language with already-validated additions merged on top, in order. */
export function buildLexicon(locale: string, extras: readonly { data: LexiconData; source: string }[]): Lexicon {
  const lang = baseOf(locale);
  const base = builtInData(lang);
  const layers: { data: LexiconData; source: string }[] = base
    ? [{ data: base, source: `lexicon/${lang}.json` }]
    : [{ data: { emoji: builtInData('en')?.emoji ?? {} }, source: 'lexicon/en.json (emoji only)' }];
  return compileLexicon(lang, [...layers, ...extras]);
}

function compileLexicon(locale: string, layers: readonly { data: LexiconData; source: string }[]): Lexicon {
  const lists = (pick: (data: LexiconData) => string[] | undefined) => [...new Set(layers.flatMap((l) => pick(l.data) ?? []))];
  const records = (pick: (data: LexiconData) => Record<string, number> | undefined) => {
    const merged = new Map<string, number>();
    for (const layer of layers) for (const [phrase, value] of Object.entries(pick(layer.data) ?? {})) merged.set(phrase, value);
    return [...merged].filter(([, value]) => value !== 0);
  };
  const plain = (phrases: string[]) => new PatternSet(phrases.map((p) => ({ pattern: compilePattern(p), value: null })));
  const emoji = new Map<string, number>();
  const emoticons: Lexicon['emoticons'] = [];
  for (const [key, value] of records((d) => d.emoji)) {
    const pictograph = baseEmoji(key);
    if (pictograph) emoji.set(pictograph, value);
    else emoticons.push({ regex: new RegExp(`(?<=^|\\s)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|\\s)`, 'gu'), text: key, weight: value });
  }
  const words = (Object.keys(REASON_OF) as (keyof typeof REASON_OF)[]).flatMap((key) =>
    records((d) => d[key]).map(([phrase, weight]) => ({ pattern: compilePattern(phrase), value: { kind: REASON_OF[key], weight } })));
  return {
    locale,
    sources: layers.map((l) => l.source),
    words: new PatternSet(words),
    negations: plain(lists((d) => d.negations)),
    clauseBreaks: new Set(lists((d) => d.clauseBreaks).map(fold)),
    intensifiers: new PatternSet(records((d) => d.intensifiers).map(([phrase, factor]) => ({ pattern: compilePattern(phrase), value: factor }))),
    questionOpeners: plain(lists((d) => d.questionOpeners)),
    sarcasmProblems: plain(lists((d) => d.sarcasm?.problems)),
    acronyms: new Set(lists((d) => d.acronyms).map(fold)),
    emoji,
    emoticons,
  };
}
