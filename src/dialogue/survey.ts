import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Reading a customer's answer to an in-chat survey: CSAT ("¿Cómo calificarías la ayuda recibida?", 1-5) and CES
 * ("¿Qué tan fácil fue resolver tu consulta?", 1-7, 7 the easiest). Pure and data-driven: the words live in
 * `survey/<lang>.json`. Deciding when to ask is the engine's business; recording the answers is the outcomes module's.
 *
 * An answer is read, in this order:
 * - emoji alone: stars (⭐⭐⭐⭐ is 4) or one face (😀 is the top of the scale, 😡 the bottom);
 * - from the start of the message, past fillers ("pues yo le daría", "I'd say"), the longest of:
 *   - a rating phrase ("muy bien" 5, "no muy bien" 2, "very easy" 7), or an option's label ("Muy bien");
 *   - a number, written in digits or words, optionally out of something and with a unit: "4", "un cuatro",
 *     "4/5", "4 de 5", "4 out of 5", "4 estrellas". Out of another scale it is rescaled ("8/10" is 4 of 5). A number
 *     outside the scale ("6" or "0" for CSAT) or with decimals ("4,5") is rejected: the result is undefined;
 *   - a skip ("saltar", "no gracias", "skip"), only when nothing but fillers follows it.
 *   Whatever follows a score, after punctuation, is its comment ("4, pero tardó mucho"), unless it is only fillers.
 * - otherwise, when the engine asked for a comment (`options.comment`), the whole message is the comment; a question
 *   ("¿y cómo activo el roaming?") never is: it is undefined, for the engine to answer as a new message.
 *
 * The customer's language is tried first, then the others: a Spanish conversation may well answer "ok" or "great".
 */
export type SurveyKind = 'csat' | 'ces';

export type SurveyAnswer = { score: number; comment?: string } | { skip: true } | { comment: string };

export interface SurveyParseOptions {
  /** The bot asked for an optional comment: a message that is not a score or a skip is taken as one. */
  comment?: boolean;
}

/** Highest score of each survey; the lowest is 1. */
export const SURVEY_SCALE: Readonly<Record<SurveyKind, number>> = { csat: 5, ces: 7 };

export function parseSurveyAnswer(text: string, kind: SurveyKind, locale: string, options: SurveyParseOptions = {}): SurveyAnswer | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const emoji = emojiScore(trimmed, kind);
  if (emoji !== undefined) return emoji === null ? undefined : { score: emoji };
  for (const lang of languagesFor(locale)) {
    const read = readAnswer(trimmed, kind, compiled(lang));
    if (read === 'rejected') return undefined;
    if (read) return read;
  }
  if (options.comment && !/[?¿]/.test(trimmed)) return { comment: trimmed };
  return undefined;
}

/** The answer buttons of a survey, in a language: the label in words, the value the score (which parses back). */
export function surveyOptions(kind: SurveyKind, locale: string): { label: string; value: string }[] {
  const labels = data(languagesFor(locale)[0]!).labels?.[kind] ?? {};
  return Array.from({ length: SURVEY_SCALE[kind] }, (_, i) => {
    const value = String(i + 1);
    return { label: labels[value] ?? value, value };
  });
}

// ---------------------------------------------------------------------------------------------------------------

const phraseList = z.array(z.string());
const scoreLists = z.record(z.string().regex(/^\d+$/), phraseList);
const surveyDataSchema = z.object({
  numbers: scoreLists.default({}),
  outOf: phraseList.default([]),
  units: phraseList.default([]),
  fillers: phraseList.default([]),
  skip: phraseList.default([]),
  csat: scoreLists.default({}),
  ces: scoreLists.default({}),
  labels: z.object({ csat: z.record(z.string(), z.string()), ces: z.record(z.string(), z.string()) }).partial().optional(),
});
type SurveyData = z.infer<typeof surveyDataSchema>;

const DATA_DIR = new URL('./survey/', import.meta.url);
const SHIPPED = ['es', 'en'];
const loaded = new Map<string, SurveyData>();

function data(lang: string): SurveyData {
  let found = loaded.get(lang);
  if (!found) {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(new URL(`${lang}.json`, DATA_DIR), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`survey/${lang}.json: ${(error as Error).message}`);
    }
    const parsed = surveyDataSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`survey/${lang}.json: ${z.prettifyError(parsed.error)}`);
    found = parsed.data;
    loaded.set(lang, found);
  }
  return found;
}

function languagesFor(locale: string): string[] {
  const base = locale.toLowerCase().split(/[-_]/)[0] ?? locale;
  return [base, ...SHIPPED.filter((l) => l !== base)];
}

interface Token { word: string; end: number }

/** Lowercased, accent-folded words and digits, and "/" (as in 4/5), each with where it ends in the text. */
function tokenize(text: string): Token[] {
  const folded = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  // NFD may add combining marks, so offsets are mapped back through the original characters one by one.
  const ends: number[] = [];
  let foldedLength = 0;
  for (let i = 0; i < text.length; i++) {
    foldedLength += text[i]!.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').length;
    ends[foldedLength] = i + 1;
  }
  return [...folded.matchAll(/[\p{L}\p{N}]+|\//gu)].map((m) => {
    const foldedEnd = m.index + m[0].length;
    return { word: m[0], end: ends[foldedEnd] ?? text.length };
  });
}

const words = (phrase: string) => tokenize(phrase).map((t) => t.word);

/** Phrases by their first word, longest first, so the longest match is found first. */
class PhraseTable<T> {
  private readonly byFirst = new Map<string, { words: string[]; value: T }[]>();
  add(phrase: string, value: T): void {
    const w = words(phrase);
    if (!w.length) return;
    const list = this.byFirst.get(w[0]!) ?? [];
    list.push({ words: w, value });
    list.sort((a, b) => b.words.length - a.words.length);
    this.byFirst.set(w[0]!, list);
  }
  /** The longest phrase starting at `pos`: its value and how many tokens it covers. */
  match(tokens: readonly Token[], pos: number): { value: T; length: number } | undefined {
    for (const entry of this.byFirst.get(tokens[pos]?.word ?? '') ?? []) {
      if (entry.words.every((w, i) => tokens[pos + i]?.word === w)) return { value: entry.value, length: entry.words.length };
    }
    return undefined;
  }
}

interface Compiled {
  ratings: Record<SurveyKind, PhraseTable<number>>;
  numbers: PhraseTable<number>;
  outOf: PhraseTable<true>;
  units: PhraseTable<true>;
  fillers: PhraseTable<true>;
  skip: PhraseTable<true>;
}

const compiledByLang = new Map<string, Compiled>();

function compiled(lang: string): Compiled {
  let result = compiledByLang.get(lang);
  if (result) return result;
  const source = data(lang);
  const table = <T>(entries: Iterable<[string, T]>) => {
    const t = new PhraseTable<T>();
    for (const [phrase, value] of entries) t.add(phrase, value);
    return t;
  };
  const scored = (lists: Record<string, string[]>) =>
    Object.entries(lists).flatMap(([score, phrases]) => phrases.map((p) => [p, Number(score)] as [string, number]));
  const flags = (phrases: string[]) => phrases.map((p) => [p, true] as [string, true]);
  const ratings = {} as Record<SurveyKind, PhraseTable<number>>;
  for (const kind of ['csat', 'ces'] as const) {
    // An option's label is an answer too (a channel may send the label instead of the value).
    const labels = Object.entries(source.labels?.[kind] ?? {}).map(([score, label]) => [label, Number(score)] as [string, number]);
    ratings[kind] = table([...labels, ...scored(source[kind])]);
  }
  result = {
    ratings,
    numbers: table(scored(source.numbers)),
    outOf: table([...flags(source.outOf), ['/', true]]),
    units: table(flags(source.units)),
    fillers: table(flags(source.fillers)),
    skip: table(flags(source.skip)),
  };
  compiledByLang.set(lang, result);
  return result;
}

/** A score or a skip read from the start of the message; 'rejected' for a number off the scale. */
function readAnswer(text: string, kind: SurveyKind, lang: Compiled): SurveyAnswer | 'rejected' | undefined {
  const tokens = tokenize(text);
  let skipped = false;
  for (let pos = 0; pos < tokens.length;) {
    const rating = lang.ratings[kind].match(tokens, pos);
    const number = readNumber(tokens, pos, kind, lang);
    const skip = lang.skip.match(tokens, pos);
    const filler = lang.fillers.match(tokens, pos);
    const best = Math.max(rating?.length ?? 0, number?.length ?? 0, skip?.length ?? 0, filler?.length ?? 0);
    if (!best) return skipped ? { skip: true } : undefined;
    if (number && number.length === best) {
      if (number.score === undefined || hasDecimal(text, tokens, pos)) return 'rejected';
      return withComment(number.score, text, tokens, pos + number.length, lang);
    }
    if (rating && rating.length === best) return withComment(rating.value, text, tokens, pos + rating.length, lang);
    // "no, fue fatal": a skip word that something else follows is read past; if no score comes, it was a skip.
    if (skip && skip.length === best) skipped = true;
    pos += best;
  }
  return skipped ? { skip: true } : undefined;
}

/** A number at `pos`, with its "out of N" and unit; `score` undefined when it is off the scale. */
function readNumber(tokens: readonly Token[], pos: number, kind: SurveyKind, lang: Compiled): { score?: number; length: number } | undefined {
  const first = numberAt(tokens, pos, lang);
  if (!first) return undefined;
  let length = first.length;
  let value = first.value;
  const max = SURVEY_SCALE[kind];
  const outOf = lang.outOf.match(tokens, pos + length);
  const scale = outOf && numberAt(tokens, pos + length + outOf.length, lang);
  if (outOf && scale) {
    length += outOf.length + scale.length;
    if (scale.value <= 0 || value > scale.value) return { length };
    if (scale.value !== max) value = Math.round((value / scale.value) * max);
  }
  const unit = lang.units.match(tokens, pos + length);
  if (unit) length += unit.length;
  return value >= 1 && value <= max ? { score: value, length } : { length };
}

function numberAt(tokens: readonly Token[], pos: number, lang: Compiled): { value: number; length: number } | undefined {
  const word = tokens[pos]?.word;
  if (word && /^\d{1,3}$/.test(word)) return { value: Number(word), length: 1 };
  const spelled = lang.numbers.match(tokens, pos);
  return spelled && { value: spelled.value, length: spelled.length };
}

/** "4,5" and "4.5" are two tokens to the tokenizer; a half point is not on the scale. */
function hasDecimal(text: string, tokens: readonly Token[], pos: number): boolean {
  const end = tokens[pos]!.end;
  return /^[.,]\d/.test(text.slice(end));
}

function withComment(score: number, text: string, tokens: readonly Token[], next: number, lang: Compiled): SurveyAnswer {
  let pos = next;
  for (let filler = lang.fillers.match(tokens, pos); filler; filler = lang.fillers.match(tokens, pos)) pos += filler.length;
  if (pos >= tokens.length) return { score };
  const comment = text.slice(tokens[next - 1]!.end).replace(/^[\s.,;:!)\]-]+/u, '').trim();
  return comment ? { score, comment } : { score };
}

/** Faces from the bottom of the scale to the top, and stars to count; the same in every language. */
const FACES: ReadonlyArray<[number, readonly string[]]> = [
  [1, ['😡', '🤬', '😠', '😤', '💩']],
  [2, ['🙁', '☹️', '☹', '😞', '😕', '😒', '👎']],
  [3, ['😐', '😑', '😶', '🤷', '🤷‍♂️', '🤷‍♀️']],
  [4, ['🙂', '😊', '👍', '☺️', '☺']],
  [5, ['😀', '😃', '😄', '😁', '🥰', '😍', '🤩', '👏', '🙌', '❤️', '❤', '💯', '🎉']],
];
const FACE_SCORES = new Map(FACES.flatMap(([score, faces]) => faces.map((f) => [f, score] as [string, number])));
const STARS = new Set(['⭐', '★', '🌟']);

/** The score of a message made only of emoji; null when they are stars off the scale; undefined when not emoji. */
function emojiScore(text: string, kind: SurveyKind): number | null | undefined {
  const symbols = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text.replace(/\s+/g, ''))].map((s) => s.segment);
  if (!symbols.length) return undefined;
  if (symbols.every((s) => STARS.has(s))) return symbols.length <= SURVEY_SCALE[kind] ? symbols.length : null;
  const faces = symbols.map((s) => FACE_SCORES.get(s));
  if (faces.some((f) => f === undefined)) return undefined;
  // A face says how it went on a five-point scale; the seven-point effort scale spreads the same five points.
  const face = faces[0]!;
  return kind === 'csat' ? face : ([1, 2, 4, 6, 7] as const)[face - 1]!;
}
