import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { analyzerFor } from '../retrieval/analyzer.js';

/**
 * Conversational phrases: greetings, thanks, "did this help?" answers, "it works now", requests for a person, insults,
 * and which of the offered options a customer picked. Pure and data-driven: the phrase lists live in
 * `phrases/<lang>.json` (read once per language) and an operator's additions are merged with {@link extendPhrases}.
 *
 * ## The data (one file per language, every key optional)
 *
 * ```jsonc
 * {
 *   "smalltalk": {                    // what the customer says besides their question
 *     "greeting":  [...],             //   at the start only: "hola", "buenos dias"
 *     "howAreYou": [...],             //   at the start only, and followed by punctuation or the end: "que tal"
 *     "thanks":    [...],             //   at the start or the end: "gracias", "thanks a lot"
 *     "goodbye":   [...],             //   at the start or the end: "adios", "that's all"
 *     "identity":  [...],             //   anywhere: "quien eres", "are you a bot" ("quien es el titular" is not)
 *     "insult":    [...]              //   anywhere: "eres mas tonto que", "stupid bot" (aimed at the bot or the
 *   },                                //   service: "my card is useless now" is no insult; bare "inutil" is a reply)
 *   "notHelpful": [...],              // anywhere, forms that refer to an earlier attempt: "no me sirvio", "sigue sin
 *                                     //   funcionar", "still not working", "that didn't help", "I tried everything"
 *   "resolved": [...],                // anywhere, except in a question: "ya funciona", "ya me llegan", "that fixed it",
 *                                     //   "it works now" ("¿ya funciona?" asks; "ya no funciona" is not one)
 *   "human": [...],                   // anywhere: "quiero hablar con una persona", "talk to someone"
 *   "replies": {                      // only when they are the whole message, besides the above and fillers:
 *     "yes": [...], "no": [...],      //   "si", "perfecto", "yep" / "no", "not really"
 *     "notHelpful": [...],            //   "no funciona", "doesn't work" ("mi eSIM no funciona" is a question)
 *     "human": [...],                 //   "agente", "human" ("mi agente de ventas..." is not a request)
 *     "insult": [...]                 //   "inutil", "useless" ("my card is useless now" is not one)
 *   },
 *   "fillers": [...],                 // words that carry nothing: "pues", "ok", "please"
 *   "options": {                      // for pickOption
 *     "ordinals": { "1": ["primero", "primera"], "-1": ["ultimo"], "-2": ["penultimo"] },  // -1 is the last
 *     "ordinalSuffixes": ["o", "a", "º"],   // 1o, 2a, 3º, 2nd
 *     "numbers": { "1": ["uno", "una"], "2": ["dos"] },   // count only after a marker ("la dos") or alone ("two")
 *     "markers": ["opcion", "numero", "la"],              // words before a number: "opcion 2", "number two"
 *     "fillers": ["la", "de", "quiero"]                   // words around a pick: "quiero la de roaming"
 *   }
 * }
 * ```
 *
 * A phrase is words separated by spaces, written without punctuation: case, accents (ñ as n), apostrophes, emoji
 * around the words and letters repeated for emphasis ("graciaaas") are ignored, words of 6 letters or more also match
 * with one typo ("grasias" is listed anyway), and phrases match whole words, never inside a word ("hola" is not in
 * "holanda"). `(a|b|c)` is one of several (alternatives may be several words), `(a|b)?` or `word?` is optional.
 * A `.` on its own is a break in the text: punctuation, or the start or end of the message ("what are you ." is not
 * in "what are you charging me for"). A `*` on its own is any one word, never the first ("mas tonto que (un|una)? *").
 * A phrase may end with `[...]`, words (same syntax) that must follow it but are not part of it and stay in `rest`:
 * "still [crashes|crashing]" finds "the app still crashes" and leaves "the app crashes" to search for.
 * Emoji may be phrases of their own ("👍" in replies.yes). Top-level keys starting with "_" are comments.
 *
 * `resolved` also counts as a `yes` answer (and wins over a bare "no": "no, ya funciona") when nothing substantive is
 * left; it is not reported inside a question: the sentence around it opens with "¿" or ends with "?".
 */

export type SmalltalkKind = 'greeting' | 'thanks' | 'goodbye' | 'identity' | 'howAreYou' | 'insult';

export interface PhraseMatch {
  /** The most telling conversational part: insult, identity, howAreYou, goodbye, thanks, then greeting. */
  smalltalk?: SmalltalkKind;
  /** A "yes" answer to "did this help?", with nothing else substantive in the message (`resolved` alone is one). */
  yes?: true;
  /** A "no" answer, with nothing else substantive in the message ("no me llega la factura" is not one). */
  no?: true;
  /** The customer says the last answer did not help or the problem is not solved. */
  notHelpful?: true;
  /** The customer says the problem is now solved ("ya funciona", "ya me llegan", "that fixed it"), anywhere. */
  resolved?: true;
  /** The customer asks for a person. */
  human?: true;
  /** The message without the recognised parts, trimmed; "" when nothing substantive is left. */
  rest: string;
}

const SMALLTALK_KINDS = ['greeting', 'thanks', 'goodbye', 'identity', 'howAreYou', 'insult'] as const;
/** When a message has several, the one reported: the first of these. */
const SMALLTALK_PRIORITY: readonly SmalltalkKind[] = ['insult', 'identity', 'howAreYou', 'goodbye', 'thanks', 'greeting'];

const phraseList = z.array(z.string());
const ordinalKey = z.string().regex(/^-?[1-9]\d*$/, { error: 'a position such as "1", "2", or "-1" for the last' });
const numberKey = z.string().regex(/^[1-9]\d*$/, { error: 'a number such as "1" or "2"' });
const TOP_LEVEL_KEYS = ['smalltalk', 'notHelpful', 'resolved', 'human', 'replies', 'fillers', 'options'];

/** The shape of `phrases/<lang>.json` and of an operator's additions: every list optional, "_" keys are comments. */
export const phraseDataSchema = z.object({
  smalltalk: z.strictObject({
    greeting: phraseList.optional(),
    thanks: phraseList.optional(),
    goodbye: phraseList.optional(),
    identity: phraseList.optional(),
    howAreYou: phraseList.optional(),
    insult: phraseList.optional(),
  }).optional(),
  notHelpful: phraseList.optional(),
  resolved: phraseList.optional(),
  human: phraseList.optional(),
  replies: z.strictObject({
    yes: phraseList.optional(),
    no: phraseList.optional(),
    notHelpful: phraseList.optional(),
    human: phraseList.optional(),
    insult: phraseList.optional(),
  }).optional(),
  fillers: phraseList.optional(),
  options: z.strictObject({
    ordinals: z.record(ordinalKey, phraseList).optional(),
    ordinalSuffixes: phraseList.optional(),
    numbers: z.record(numberKey, phraseList).optional(),
    markers: phraseList.optional(),
    fillers: phraseList.optional(),
  }).optional(),
}).catchall(z.unknown()).superRefine((data, ctx) => {
  for (const key of Object.keys(data)) {
    if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('_')) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown key; expected one of ${TOP_LEVEL_KEYS.join(', ')}` });
    }
  }
});

export type PhraseData = z.infer<typeof phraseDataSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Words and phrases

interface Token {
  /** Lowercase, accents and apostrophes removed. */
  word: string;
  /** `word` with repeated letters collapsed: the index key. */
  squeezed: string;
  start: number;
  end: number;
  /** Punctuation or the end of the message follows (emoji between do not count). */
  pause: boolean;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|\p{Extended_Pictographic}/gu;
const EMOJI = /^\p{Extended_Pictographic}$/u;
const LAUGHTER = /^(?:(?:ja|je|ji|jo|ha|he|hi|xd)+[jh]?|l+o+l+|x+d+)$/;

const normalizeWord = (word: string): string =>
  word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/['’]/g, '');
const squeeze = (word: string): string => word.replace(/(.)\1+/gu, '$1');

const PUNCTUATION = /[?!.,;:…()¿¡\n]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const word = normalizeWord(m[0]);
    tokens.push({ word, squeezed: squeeze(word), start: m.index, end: m.index + m[0].length, pause: true });
  }
  let next = text.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    token.pause = next === text.length || PUNCTUATION.test(text.slice(token.end, next));
    if (!EMOJI.test(token.word)) next = token.start;
  }
  return tokens;
}

/**
 * A parsed phrase: words and groups of alternatives, which may nest and may be optional; {@link PAUSE} is a break in
 * the text (it matches no word) and {@link ANY} any one word.
 */
type Pattern = Item[];
type Item = string | { alternatives: Pattern[]; optional: boolean };

const PAUSE = '.';
const ANY = '*';

/** Parses "(quiero|necesito)? hablar con (una persona|alguien (real)?)"; throws on unbalanced parentheses. */
export function parsePattern(pattern: string): Pattern {
  const items = parseItems(pattern, pattern);
  if (zeroWidth(items)) throw new Error(`phrase "${pattern}" can match nothing`);
  return items;
}

/** A phrase and the words that must follow it without being part of it: "still [crashes|fails]". */
export function parsePhrase(phrase: string): { pattern: Pattern; after?: Pattern } {
  const open = phrase.indexOf('[');
  const close = phrase.lastIndexOf(']');
  if (open < 0 && close < 0) return { pattern: parsePattern(phrase) };
  if (open < 0 || close < open || phrase.slice(close + 1).trim() || /[[\]]/.test(phrase.slice(open + 1, close))) {
    throw new Error(`phrase "${phrase}": "[...]" must close the phrase, once`);
  }
  const pattern = parsePattern(phrase.slice(0, open));
  const after = parseItems(`(${phrase.slice(open + 1, close)})`, phrase); // [a|b] is one of several, like (a|b)
  if (empty(after)) throw new Error(`phrase "${phrase}": "[...]" can be empty`);
  return { pattern, after };
}

function parseItems(pattern: string, phrase: string): Pattern {
  const parts = pattern.match(/[()|?]|[^\s()|?]+/g) ?? [];
  let at = 0;
  const sequence = (): Pattern => {
    const items: Pattern = [];
    while (at < parts.length && parts[at] !== ')' && parts[at] !== '|') {
      const part = parts[at++]!;
      if (part === '?') throw new Error(`phrase "${phrase}": "?" must follow a word or a group`);
      let item: Item;
      if (part === '(') {
        const alternatives = [sequence()];
        while (parts[at] === '|') { at++; alternatives.push(sequence()); }
        if (parts[at++] !== ')') throw new Error(`phrase "${phrase}": missing ")"`);
        item = { alternatives, optional: false };
      } else if (part === PAUSE || part === ANY) {
        item = part;
      } else {
        const words = wordsOf(part);
        if (words.length === 0) continue;
        item = words.length === 1 ? words[0]! : { alternatives: [words], optional: false };
      }
      if (parts[at] === '?') {
        at++;
        item = typeof item === 'string' ? { alternatives: [[item]], optional: true } : { ...item, optional: true };
      }
      items.push(item);
    }
    return items;
  };
  const items = sequence();
  if (at < parts.length) throw new Error(`phrase "${phrase}": unexpected "${parts[at]}"`);
  return items;
}

const wordsOf = (text: string): string[] => tokenize(text).map((t) => t.word);

/** Whether a match may take no word at all (pauses take none). */
const zeroWidth = (items: Pattern): boolean =>
  items.every((item) => item === PAUSE || (typeof item !== 'string' && (item.optional || item.alternatives.some(zeroWidth))));
/** Whether a pattern matches anywhere, whatever the words (only optional parts). */
const empty = (items: Pattern): boolean => items.every((item) => typeof item !== 'string' && (item.optional || item.alternatives.some(empty)));

/** The words a match can start with. */
function firstWords(items: Pattern, into = new Set<string>()): Set<string> {
  for (const item of items) {
    if (item === PAUSE) continue;
    if (typeof item === 'string') { into.add(item); return into; }
    for (const alternative of item.alternatives) firstWords(alternative, into);
    if (!item.optional && !item.alternatives.some(zeroWidth)) return into;
  }
  return into;
}

/** Where a match of `items[k..]` starting at token `at` can end. */
function endsOf(items: Pattern, k: number, tokens: readonly Token[], at: number): number[] {
  const item = items[k];
  if (item === undefined) return [at];
  if (item === PAUSE) return at === 0 || tokens[at - 1]!.pause ? endsOf(items, k + 1, tokens, at) : [];
  if (item === ANY) return at < tokens.length && !EMOJI.test(tokens[at]!.word) ? endsOf(items, k + 1, tokens, at + 1) : [];
  if (typeof item === 'string') return at < tokens.length && wordMatches(tokens[at]!, item) ? endsOf(items, k + 1, tokens, at + 1) : [];
  const ends: number[] = item.optional ? endsOf(items, k + 1, tokens, at) : [];
  for (const alternative of item.alternatives) {
    for (const end of endsOf(alternative, 0, tokens, at)) ends.push(...endsOf(items, k + 1, tokens, end));
  }
  return ends;
}

type Kind = SmalltalkKind | 'notHelpful' | 'resolved' | 'human' | 'reply:yes' | 'reply:no' | 'reply:notHelpful' | 'reply:human'
  | 'reply:insult' | 'filler';

interface Phrase { pattern: Pattern; after?: Pattern; kind: Kind; value?: number }

/** Phrases indexed by the words they can start with (squeezed), with the long ones for typo lookups. */
class PhraseIndex {
  private readonly byFirst = new Map<string, Phrase[]>();
  private readonly longFirst = new Map<string, string[]>();
  private readonly known = new Set<string>();

  add(pattern: string, kind: Kind, value?: number): void {
    const id = `${kind}:${value ?? ''}:${pattern}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    const parsed = parsePhrase(pattern);
    const phrase: Phrase = value === undefined ? { ...parsed, kind } : { ...parsed, kind, value };
    const starts = firstWords(parsed.pattern);
    if (starts.has(ANY)) throw new Error(`phrase "${pattern}": "*" cannot start a phrase`);
    for (const first of starts) {
      const key = squeeze(first);
      let list = this.byFirst.get(key);
      if (!list) {
        list = [];
        this.byFirst.set(key, list);
        if (first.length >= TYPO_MIN_LENGTH) this.longFirst.set(first[0]!, [...(this.longFirst.get(first[0]!) ?? []), first]);
      }
      if (!list.includes(phrase)) list.push(phrase);
    }
  }

  /** Every phrase occurrence in `tokens`, as [start, end) token ranges (a phrase with optional words may give several). */
  find(tokens: readonly Token[]): Match[] {
    const found: Match[] = [];
    const seen = new Set<string>();
    tokens.forEach((token, i) => {
      const candidates = new Set(this.byFirst.get(token.squeezed) ?? []);
      if (token.word.length >= TYPO_MIN_LENGTH) {
        for (const first of this.longFirst.get(token.word[0]!) ?? []) {
          if (squeeze(first) !== token.squeezed && wordMatches(token, first)) for (const p of this.byFirst.get(squeeze(first)) ?? []) candidates.add(p);
        }
      }
      for (const phrase of candidates) {
        for (const end of endsOf(phrase.pattern, 0, tokens, i)) {
          const id = `${i}:${end}:${phrase.kind}:${phrase.value ?? ''}`;
          if (end === i || seen.has(id)) continue;
          if (phrase.after && endsOf(phrase.after, 0, tokens, end).length === 0) continue;
          seen.add(id);
          found.push(phrase.value === undefined ? { start: i, end, kind: phrase.kind } : { start: i, end, kind: phrase.kind, value: phrase.value });
        }
      }
    });
    return found;
  }
}

const TYPO_MIN_LENGTH = 6;

/**
 * Same word, the word with letters repeated for emphasis ("holaaa"), or one typo inside a long word ("grasias"): not
 * at its first letter nor its last two, where Spanish and English inflect ("funciona" is not "funcionó").
 */
function wordMatches(token: Token, word: string): boolean {
  const t = token.word;
  if (t === word) return true;
  if (t.length > word.length && token.squeezed === squeeze(word)) return true;
  return word.length >= TYPO_MIN_LENGTH && t.length >= TYPO_MIN_LENGTH && t[0] === word[0] && t.slice(-2) === word.slice(-2)
    && Math.abs(t.length - word.length) <= 1 && !/\d/.test(t) && distance(t, word) <= 1;
}

interface Match { start: number; end: number; kind: Kind; value?: number }

// ---------------------------------------------------------------------------------------------------------------
// Loading and extending the data

interface Compiled {
  phrases: PhraseIndex;
  /** Ordinal phrases; their value is the position, 1-based, or negative from the end. */
  ordinals: PhraseIndex;
  ordinalSuffixes: Set<string>;
  numbers: Map<string, number>;
  markers: Set<string>;
  optionFillers: PhraseIndex;
}

const DATA_DIR = new URL('./phrases/', import.meta.url);
const baseData = new Map<string, PhraseData>();
const extensions = new Map<string, PhraseData[]>();
const compiled = new Map<string, Compiled>();

const baseOf = (locale: string): string => locale.toLowerCase().split(/[-_]/)[0] ?? locale;

function readBase(lang: string): PhraseData {
  let data = baseData.get(lang);
  if (!data) {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(new URL(`${lang}.json`, DATA_DIR), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`phrases/${lang}.json: ${(error as Error).message}`);
    }
    const parsed = phraseDataSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`phrases/${lang}.json: ${z.prettifyError(parsed.error)}`);
    data = parsed.data;
    baseData.set(lang, data);
  }
  return data;
}

/**
 * Adds an operator's phrases to a language ("es") or one variant of it ("es-MX", on top of "es"): lists are
 * appended to the built-in ones, never replace them. `extra` has the shape of `phrases/<lang>.json` (see above);
 * it is validated, and a mistake throws with the offending key.
 */
export function extendPhrases(locale: string, extra: unknown): void {
  const parsed = phraseDataSchema.safeParse(extra);
  if (!parsed.success) throw new Error(`phrases for "${locale}": ${z.prettifyError(parsed.error)}`);
  const key = locale.toLowerCase();
  extensions.set(key, [...(extensions.get(key) ?? []), parsed.data]);
  compiled.clear();
}

/** Forgets every {@link extendPhrases} addition (configuration reloads, tests). */
export function resetPhrases(): void {
  extensions.clear();
  compiled.clear();
}

function compile(locale: string): Compiled {
  const key = locale.toLowerCase();
  let result = compiled.get(key);
  if (result) return result;
  const base = baseOf(key);
  const layers = [readBase(base), ...(extensions.get(base) ?? []), ...(key !== base ? extensions.get(key) ?? [] : [])];
  const phrases = new PhraseIndex();
  const ordinals = new PhraseIndex();
  const optionFillers = new PhraseIndex();
  const ordinalSuffixes = new Set<string>();
  const numbers = new Map<string, number>();
  const markers = new Set<string>();
  const addAll = (index: PhraseIndex, patterns: readonly string[] | undefined, kind: Kind) => {
    for (const pattern of patterns ?? []) index.add(pattern, kind);
  };
  for (const layer of layers) {
    for (const kind of SMALLTALK_KINDS) addAll(phrases, layer.smalltalk?.[kind], kind);
    addAll(phrases, layer.notHelpful, 'notHelpful');
    addAll(phrases, layer.resolved, 'resolved');
    addAll(phrases, layer.human, 'human');
    addAll(phrases, layer.replies?.yes, 'reply:yes');
    addAll(phrases, layer.replies?.no, 'reply:no');
    addAll(phrases, layer.replies?.notHelpful, 'reply:notHelpful');
    addAll(phrases, layer.replies?.human, 'reply:human');
    addAll(phrases, layer.replies?.insult, 'reply:insult');
    addAll(phrases, layer.fillers, 'filler');
    const options = layer.options;
    for (const [position, patterns] of Object.entries(options?.ordinals ?? {})) {
      for (const pattern of patterns) ordinals.add(pattern, 'filler', Number(position));
    }
    for (const suffix of options?.ordinalSuffixes ?? []) ordinalSuffixes.add(normalizeWord(suffix));
    for (const [n, words] of Object.entries(options?.numbers ?? {})) for (const w of words) numbers.set(normalizeWord(w), Number(n));
    for (const w of options?.markers ?? []) markers.add(normalizeWord(w));
    addAll(optionFillers, options?.fillers, 'filler');
    addAll(optionFillers, options?.markers, 'filler');
    addAll(optionFillers, layer.fillers, 'filler');
  }
  result = { phrases, ordinals, ordinalSuffixes, numbers, markers, optionFillers };
  compiled.set(key, result);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// matchPhrases

const ANYWHERE: ReadonlySet<Kind> = new Set(['identity', 'insult', 'notHelpful', 'resolved', 'human']);
/** Kinds that a question does not say: "ya funciona, gracias" is solved, "¿ya funciona el roaming allí?" asks. */
const NOT_IN_QUESTIONS: ReadonlySet<Kind> = new Set(['resolved']);
const AT_START: ReadonlySet<Kind> = new Set(['greeting', 'howAreYou', 'thanks', 'goodbye']);
const AT_END: ReadonlySet<Kind> = new Set(['thanks', 'goodbye']);
/** Kinds that must be followed by punctuation or the end: "que tal?" is one, "que tal si cambio de plan" is not. */
const BOUNDED: ReadonlySet<Kind> = new Set(['howAreYou']);
const OPENING = '¿¡([{«"“‘';

/** Answers that read as fillers when punctuation follows them: "Perfecto, gracias. Otra pregunta: ...". */
const REPLY_AS_FILLER: ReadonlySet<Kind> = new Set(['reply:yes', 'reply:no']);

const isFillerToken = (token: Token): boolean => EMOJI.test(token.word) || LAUGHTER.test(token.word);

/**
 * Recognises the conversational parts of a customer's message in `locale` ("es", "en", or a variant such as "es-MX"):
 * "hola, ¿cómo activo el roaming?" is a greeting with rest "¿cómo activo el roaming?"; "gracias!" is thanks with rest
 * ""; "no" is a `no` answer but "no me llega la factura" is not (its rest is the whole message). Yes/no and the
 * one-word replies count only when nothing substantive remains beside them and fillers.
 */
export function matchPhrases(text: string, locale: string): PhraseMatch {
  const data = compile(locale);
  const tokens = tokenize(text);
  const n = tokens.length;
  const all = data.phrases.find(tokens);
  for (let i = 0; i < n; i++) {
    if (isFillerToken(tokens[i]!)) all.push({ start: i, end: i + 1, kind: 'filler' });
  }
  const used = new Array<Kind | undefined>(n).fill(undefined);
  const free = (m: Match) => used.slice(m.start, m.end).every((u) => u === undefined);
  const take = (m: Match) => used.fill(m.kind, m.start, m.end);
  const longestFirst = (a: Match, b: Match) => a.start - b.start || (b.end - b.start) - (a.end - a.start);
  const byLength = (a: Match, b: Match) => (b.end - b.start) - (a.end - a.start);
  const startingAt = Array.from({ length: n }, () => [] as Match[]);
  const endingAt = Array.from({ length: n }, () => [] as Match[]);
  for (const m of all) {
    startingAt[m.start]!.push(m);
    endingAt[m.end - 1]!.push(m);
  }
  for (const list of [...startingAt, ...endingAt]) list.sort(byLength);

  // 1. Requests, complaints, news that it works and questions about the bot, anywhere in the message.
  const anywhere = all.filter((m) => ANYWHERE.has(m.kind) && !(NOT_IN_QUESTIONS.has(m.kind) && inQuestion(text, tokens, m)));
  for (const m of anywhere.sort(longestFirst)) if (free(m)) take(m);

  // 2. Greetings, thanks and goodbyes at the edges, with the fillers between them and the edge.
  const punctuatedAfter = (m: Match) => m.end >= n || used[m.end] !== undefined
    || /[?!.,;:\n]/.test(text.slice(tokens[m.end - 1]!.end, tokens[m.end]!.start));
  const boundedOk = (m: Match) => !BOUNDED.has(m.kind) || punctuatedAfter(m);
  const edge = (from: number, step: 1 | -1, kinds: ReadonlySet<Kind>) => {
    const fillers: Match[] = [];
    let committed = 0;
    let pos = from;
    const inside = (p: number) => p >= 0 && p < n;
    while (inside(pos)) {
      if (used[pos] !== undefined) { committed = fillers.length; pos += step; continue; }
      const here = (step === 1 ? startingAt : endingAt)[pos]!.filter(free);
      const phrase = here.find((m) => kinds.has(m.kind) && boundedOk(m));
      if (phrase) {
        take(phrase);
        committed = fillers.length;
        pos = step === 1 ? phrase.end : phrase.start - 1;
        continue;
      }
      const filler = here.find((m) => m.kind === 'filler' || (REPLY_AS_FILLER.has(m.kind) && punctuatedAfter(m)));
      if (!filler) break;
      fillers.push(filler);
      pos = step === 1 ? filler.end : filler.start - 1;
    }
    // Fillers count as conversational only between the edge and a recognised phrase ("ok gracias, ¿cómo pago?").
    for (const f of fillers.slice(0, committed)) used.fill('filler', f.start, f.end);
  };
  edge(0, 1, AT_START);
  edge(n - 1, -1, AT_END);

  // Emoji next to what was recognised go with it ("Hola! 😊 ¿cómo pago?").
  for (let changed = true; changed;) {
    changed = false;
    tokens.forEach((token, i) => {
      if (used[i] === undefined && EMOJI.test(token.word) && (used[i - 1] !== undefined || used[i + 1] !== undefined)) {
        used[i] = 'filler';
        changed = true;
      }
    });
  }

  // 3. Answers (yes, no, "doesn't work", "agent"): only when they and fillers are all that is left.
  const reply = coverWithReplies(all, used, n);
  const flags: Omit<PhraseMatch, 'rest'> = {};
  const smalltalk = SMALLTALK_PRIORITY.find((k) => used.includes(k) || (k === 'insult' && reply?.has('reply:insult')));
  if (smalltalk) flags.smalltalk = smalltalk;
  if (used.includes('notHelpful') || reply?.has('reply:notHelpful')) flags.notHelpful = true;
  if (used.includes('resolved')) flags.resolved = true;
  if (used.includes('human') || reply?.has('reply:human')) flags.human = true;
  if (reply) {
    // "ya funciona" is a yes, and "no, ya funciona" too: the "no" answers "anything else?", not "did it help?".
    const yes = ((reply.has('reply:yes') && !reply.has('reply:no')) || !!flags.resolved) && !flags.notHelpful;
    const no = reply.has('reply:no') && !reply.has('reply:yes') && !flags.resolved;
    if (yes) flags.yes = true;
    if (no) flags.no = true;
    return { ...flags, rest: '' };
  }
  return { ...flags, rest: restOf(text, tokens, used) };
}

/** Whether the sentence around a match asks: it opens with "¿" or ends with "?". */
function inQuestion(text: string, tokens: readonly Token[], m: Match): boolean {
  const before = text.slice(0, tokens[m.start]!.start).match(/[.!?¿¡\n][^.!?¿¡\n]*$/)?.[0][0];
  const after = text.slice(tokens[m.end - 1]!.end).match(/[.!?¿¡\n]/)?.[0];
  return before === '¿' || after === '?';
}

/**
 * Whether the tokens left (and those taken as fillers) are exactly a sequence of replies and fillers (fewest pieces:
 * "no funciona" is one reply, not "no" + "funciona"), and which reply kinds it took; undefined when something
 * substantive is left.
 */
function coverWithReplies(all: readonly Match[], used: readonly (Kind | undefined)[], n: number): Set<Kind> | undefined {
  const open = (u: Kind | undefined) => u === undefined || u === 'filler';
  const usable = all.filter((m) => (m.kind.startsWith('reply:') || m.kind === 'filler') && used.slice(m.start, m.end).every(open));
  const best: ({ pieces: number; from: number; match?: Match } | undefined)[] = new Array(n + 1).fill(undefined);
  best[0] = { pieces: 0, from: -1 };
  for (let i = 0; i < n; i++) {
    const here = best[i];
    if (!here) continue;
    const relax = (end: number, pieces: number, match?: Match) => {
      const there = best[end];
      if (!there || pieces < there.pieces) best[end] = match ? { pieces, from: i, match } : { pieces, from: i };
    };
    if (!open(used[i])) relax(i + 1, here.pieces);
    else if (used[i] === 'filler') relax(i + 1, here.pieces + 1.01); // a reply there ("No, ...") is worth reading
    for (const m of usable) if (m.start === i) relax(m.end, here.pieces + 1, m);
  }
  if (!best[n]) return undefined;
  const kinds = new Set<Kind>();
  for (let at = n; at > 0;) {
    const step = best[at]!;
    if (step.match) kinds.add(step.match.kind);
    at = step.from;
  }
  return kinds;
}

/** The text without the used tokens, their punctuation and the emoji around them. */
function restOf(text: string, tokens: readonly Token[], used: readonly (Kind | undefined)[]): string {
  let rest = '';
  let cursor = 0;
  for (let i = 0; i < tokens.length;) {
    if (used[i] === undefined) { i++; continue; }
    let j = i;
    while (j + 1 < tokens.length && used[j + 1] !== undefined) j++;
    let start = tokens[i]!.start;
    while (start > cursor && OPENING.includes(text[start - 1]!)) start--;
    let end = tokens[j]!.end;
    const next = j + 1 < tokens.length ? tokens[j + 1]!.start : text.length;
    while (end < next && !OPENING.includes(text[end]!)) end++;
    rest += text.slice(cursor, start);
    cursor = end;
    i = j + 1;
  }
  rest += text.slice(cursor);
  if (!/[\p{L}\p{N}]/u.test(rest)) return '';
  return rest.replace(/\s+/g, ' ').replace(/^[\s,;:.!)\]}»”’\-–—]+/, '').replace(/[\s,;:\-–—]+$/, '').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// pickOption

/**
 * Which of the offered `options` (0-based) the customer picked: by number ("2", "2.", "la 2", "opción 2", "number
 * two"), by position ("la segunda", "the first one", "the last one", "la última"), or by words of its title ("la de
 * roaming", "the invoice one" for "Download your invoice"). Undefined unless exactly one option matches clearly: a
 * number out of range, two different picks, title words several options share, or a new question that merely
 * mentions a title word ("how do I pay my invoice by card") give undefined.
 */
export function pickOption(text: string, options: readonly { title: string }[], locale: string): number | undefined {
  const count = options.length;
  if (count === 0) return undefined;
  const data = compile(locale);
  const matched = matchPhrases(text, locale);
  if (!matched.rest) return undefined;
  const tokens = tokenize(matched.rest);
  const used = new Array<boolean>(tokens.length).fill(false);
  const picks = new Set<number>();
  const position = (p: number): number => (p > 0 ? p - 1 : count + p);
  const numberAt = (i: number): number | undefined => data.numbers.get(tokens[i]?.word ?? '');

  // Positions: ordinal words (longest first: "second to last" before "second"), digits, "2nd", "opcion2".
  for (const m of data.ordinals.find(tokens).sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (m.value === undefined || used.slice(m.start, m.end).some(Boolean)) continue;
    picks.add(position(m.value));
    used.fill(true, m.start, m.end);
  }
  tokens.forEach((token, i) => {
    if (used[i]) return;
    const word = token.word;
    const suffixed = /^(\d+)(\D+)$/.exec(word);
    const marked = /^(\D+?)(\d+)$/.exec(word);
    let n: number | undefined;
    if (/^\d+$/.test(word)) n = Number(word);
    else if (suffixed && data.ordinalSuffixes.has(suffixed[2]!)) n = Number(suffixed[1]);
    else if (marked && data.markers.has(marked[1]!)) n = Number(marked[2]);
    else if (i > 0 && data.markers.has(tokens[i - 1]!.word)) n = numberAt(i);
    if (n === undefined) return;
    picks.add(position(n));
    used[i] = true;
  });

  // Fillers ("la", "de", "the", "one", "please") go; number words stay candidates ("two" alone is a pick).
  for (const m of data.optionFillers.find(tokens).sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (used.slice(m.start, m.end).some(Boolean)) continue;
    if (m.end - m.start === 1 && numberAt(m.start) !== undefined) continue;
    used.fill(true, m.start, m.end);
  }
  let content = tokens.filter((_, i) => !used[i]);
  const lone = content.length === 1 && picks.size === 0 ? data.numbers.get(content[0]!.word) : undefined;
  if (lone !== undefined) picks.add(position(lone));
  // Number words among other words are not picks: "the invoice one", "la de los dos planes".
  content = content.filter((t) => !data.numbers.has(t.word));

  if (picks.size > 1) return undefined;
  const [pick] = [...picks];
  if (pick !== undefined && !(pick >= 0 && pick < count)) return undefined;
  if (content.length === 0) return pick;
  const byTitle = pickByTitle(content.map((t) => t.word).join(' '), options, locale);
  if (pick === undefined) return byTitle;
  return byTitle === pick ? pick : undefined;
}

/** The one option whose title holds most of the message's content words, if it is the only one. */
function pickByTitle(content: string, options: readonly { title: string }[], locale: string): number | undefined {
  const analyzer = analyzerFor(locale);
  const wanted = [...new Set(analyzer.terms(content))];
  if (wanted.length === 0) return undefined;
  const scores = options.map((option) => {
    const terms = analyzer.terms(option.title);
    return wanted.filter((w) => terms.some((t) => t === w || (Math.min(t.length, w.length) >= 4 && (t.startsWith(w) || w.startsWith(t))))).length;
  });
  const best = Math.max(...scores);
  if (best === 0 || best * 2 < wanted.length) return undefined;
  const winners = scores.flatMap((s, i) => (s === best ? [i] : []));
  return winners.length === 1 ? winners[0] : undefined;
}
