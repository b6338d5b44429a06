/**
 * Words of a message and the phrase patterns of the lexicons, matched the same way on both sides: lowercase, accents
 * and apostrophes removed ("Don't" is "dont", "daré" is "dare", "contraseña" is "contrasena"), letters repeated for
 * emphasis tolerated ("noooo" matches "no", "maaal" matches "mal", but "levo" does not match "llevo").
 */

export interface Token {
  /** Folded form: lowercase, no accents, no apostrophes. */
  word: string;
  /** The word as written. */
  raw: string;
  start: number;
  end: number;
  /** Punctuation that ends a clause (.,;:!? or a dash) stands between this word and the previous one. */
  breakBefore: boolean;
  /** Punctuation that ends a sentence (.;:!?) does: phrases never reach across it, commas they may ("agente, por favor"). */
  sentenceBefore: boolean;
}

export interface AnalyzedText {
  text: string;
  tokens: Token[];
  /** " w1 w2 w3 ": what compiled patterns run on. */
  joined: string;
}

// Apostrophes and the asterisks of censored words stay inside a word: "don't", "f*cking".
const TOKEN = /[\p{L}\p{N}]+(?:['’*]+[\p{L}\p{N}]+)*/gu;
const CLAUSE_PUNCTUATION = /[.,;:!?¿¡()\u2014\u2013]|\s-\s/u;
const SENTENCE_PUNCTUATION = /[.;:!?¿¡]/u;

export const fold = (text: string): string =>
  text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/(?<=\S)['’*]+(?=\S)/g, '').replace(/['’]/g, '');

export function analyze(text: string): AnalyzedText {
  const tokens: Token[] = [];
  let previousEnd = 0;
  for (const m of text.matchAll(TOKEN)) {
    tokens.push({
      word: fold(m[0]), raw: m[0], start: m.index, end: m.index + m[0].length,
      breakBefore: CLAUSE_PUNCTUATION.test(text.slice(previousEnd, m.index)),
      sentenceBefore: SENTENCE_PUNCTUATION.test(text.slice(previousEnd, m.index)),
    });
    previousEnd = m.index + m[0].length;
  }
  return { text, tokens, joined: ` ${tokens.map((t) => `${t.word} `).join('')}` };
}

/** A match of a pattern: tokens [first, last], and the words as the customer wrote them. */
export interface Span { first: number; last: number; match: string }

/** Which words a match can start with, so a message is only tried against phrases that could match it. */
interface Starts { words: Set<string>; prefixes: Set<string>; any: boolean }

export interface CompiledPattern {
  source: string;
  /** Anchored at a word's first letter (sticky); consumes each word with the space after it. */
  regex: RegExp;
  starts: Starts;
}

interface Piece { source: string; starts: Starts; nullable: boolean }

const noStarts = (): Starts => ({ words: new Set(), prefixes: new Set(), any: false });
const mergeStarts = (into: Starts, from: Starts): Starts => {
  for (const w of from.words) into.words.add(w);
  for (const p of from.prefixes) into.prefixes.add(p);
  into.any ||= from.any;
  return into;
};

/** The key words are indexed by: repeated letters squeezed, since patterns tolerate "noooo" for "no". */
const squeeze = (word: string): string => word.replace(/(.)\1+/gsu, '$1');

/**
 * Compiles a lexicon phrase. Syntax: words separated by spaces; `(a|b c)` is one of several (alternatives may be
 * several words and may nest), `word?` or `(...)?` is optional, a group right after a word gives its endings
 * ("molest(o|a|os|as)", "ladron(es)?"), `word*` matches any word starting with "word"
 * ("enfadad*": enfadado, enfadadísima), `*` alone is any one word and `#` any number ("llevo # horas").
 * Throws an Error naming what is wrong.
 */
export function compilePattern(pattern: string): CompiledPattern {
  const parts = [...pattern.matchAll(/[()|?]|[^\s()|?]+/g)];
  let at = 0;
  const text = (i: number) => parts[i]?.[0];
  const optional = (piece: Piece): Piece => ({ source: `(?:${piece.source})?`, starts: piece.starts, nullable: true });
  const sequence = (): Piece => {
    const items: Piece[] = [];
    while (at < parts.length && text(at) !== ')' && text(at) !== '|') {
      const part = text(at++)!;
      if (part === '?') throw new Error(`"?" must follow a word or a group`);
      let item: Piece;
      if (part === '(') {
        item = group();
      } else if (text(at) === '(' && parts[at]!.index === parts[at - 1]!.index + part.length) {
        // "molest(o|a|os|as)": a group written right after a word ends that word.
        at++;
        const word = fold(part);
        const suffixes = group();
        const optionalSuffix = text(at) === '?';
        if (optionalSuffix) at++;
        const starts = noStarts();
        if (word === '*' || word === '#') starts.any = true; else starts.prefixes.add(squeeze(word.replace(/\*$/, '')));
        item = { source: `${wordSource(word).slice(0, -1)}(?:${suffixes.source.slice(3, -1)}${optionalSuffix ? '| ' : ''})`, starts, nullable: false };
        items.push(item);
        continue;
      } else {
        const word = fold(part);
        const starts = noStarts();
        if (word === '*' || word === '#') starts.any = true;
        else if (word.endsWith('*')) starts.prefixes.add(squeeze(word.slice(0, -1)));
        else starts.words.add(squeeze(word));
        item = { source: wordSource(word), starts, nullable: false };
      }
      if (text(at) === '?') { at++; item = optional(item); }
      items.push(item);
    }
    const starts = noStarts();
    for (const item of items) { mergeStarts(starts, item.starts); if (!item.nullable) break; }
    return { source: items.map((i) => i.source).join(''), starts, nullable: items.every((i) => i.nullable) };
  };
  const group = (): Piece => {
    const alternatives = [sequence()];
    while (text(at) === '|') { at++; alternatives.push(sequence()); }
    if (text(at++) !== ')') throw new Error('missing ")"');
    return {
      source: `(?:${alternatives.map((a) => a.source).join('|')})`,
      starts: alternatives.reduce((all, a) => mergeStarts(all, a.starts), noStarts()),
      nullable: alternatives.some((a) => a.nullable),
    };
  };
  const piece = sequence();
  if (at < parts.length) throw new Error(`unexpected "${text(at)}"`);
  // A phrase that can match nothing would match everywhere.
  if (!piece.source || piece.nullable || new RegExp(`^(?:${piece.source})$`, 'u').test('')) throw new Error('the phrase can match nothing');
  return { source: pattern, regex: new RegExp(piece.source, 'uy'), starts: piece.starts };
}

function wordSource(word: string): string {
  if (word === '*') return '\\S+ ';
  if (word === '#') return '\\d+(?:[.,]\\d+)?\\p{L}{0,2} ';
  const prefix = word.endsWith('*');
  const letters = prefix ? word.slice(0, -1) : word;
  if (!letters || !/^[\p{L}\p{N}]+$/u.test(letters)) {
    throw new Error(`"${word}" is not a word: write letters and digits only, no punctuation (a final * is allowed)`);
  }
  let source = '';
  for (const run of letters.match(/(.)\1*/gsu) ?? []) {
    const char = run[0]!;
    source += /\p{L}/u.test(char) ? `${char}{${[...run].length},}` : run;
  }
  return `${source}${prefix ? '\\S*' : ''} `;
}

/**
 * Many patterns, each with a value, indexed by the words they can start with: a message is tried only against the
 * patterns that could start at one of its words.
 */
export class PatternSet<T> {
  private readonly byWord = new Map<string, number[]>();
  private readonly byPrefix = new Map<string, number[]>();
  private readonly anywhere: number[] = [];

  constructor(private readonly entries: readonly { pattern: CompiledPattern; value: T }[]) {
    const add = (map: Map<string, number[]>, key: string, i: number) => { const list = map.get(key); if (list) list.push(i); else map.set(key, [i]); };
    entries.forEach(({ pattern: { starts } }, i) => {
      if (starts.any) { this.anywhere.push(i); return; }
      for (const word of starts.words) add(this.byWord, word, i);
      for (const prefix of starts.prefixes) add(this.byPrefix, prefix, i);
    });
  }

  get size(): number { return this.entries.length; }

  /** Every match of every pattern, within one sentence each; one pattern's matches do not overlap. */
  find(text: AnalyzedText): { span: Span; value: T }[] {
    const found: { span: Span; value: T }[] = [];
    const nextFree = new Map<number, number>();
    let offset = 1;
    for (const [first, token] of text.tokens.entries()) {
      const key = squeeze(token.word);
      const candidates = new Set<number>(this.byWord.get(key));
      for (let n = 1; n <= key.length; n++) for (const i of this.byPrefix.get(key.slice(0, n)) ?? []) candidates.add(i);
      for (const i of this.anywhere) candidates.add(i);
      for (const i of candidates) {
        if ((nextFree.get(i) ?? 0) > first) continue;
        const { pattern, value } = this.entries[i]!;
        pattern.regex.lastIndex = offset;
        const m = pattern.regex.exec(text.joined);
        if (!m) continue;
        const last = first + m[0].split(' ').length - 2;
        if (text.tokens.slice(first + 1, last + 1).some((t) => t.sentenceBefore)) continue;
        nextFree.set(i, last + 1);
        found.push({ span: { first, last, match: text.text.slice(token.start, text.tokens[last]!.end) }, value });
      }
      offset += token.word.length + 1;
    }
    return found;
  }
}

/** Every match of one pattern (see {@link PatternSet}). */
export function findAll(pattern: CompiledPattern, text: AnalyzedText): Span[] {
  return new PatternSet([{ pattern, value: null }]).find(text).map((f) => f.span);
}

/** Whether a clause boundary (punctuation, or a word such as "pero") lies between tokens `from` and `to`. */
export function clauseBreakBetween(text: AnalyzedText, from: number, to: number, breakWords: ReadonlySet<string>): boolean {
  const [a, b] = from < to ? [from, to] : [to, from];
  for (let i = a + 1; i <= b; i++) {
    if (text.tokens[i]!.breakBefore) return true;
    if (i < b && breakWords.has(text.tokens[i]!.word)) return true;
  }
  return false;
}

/** Emoji as their base pictograph (skin tones, variation selectors and joined parts dropped). */
export function emojiOf(text: string): string[] {
  return [...text.matchAll(/\p{Extended_Pictographic}/gu)].map((m) => m[0]);
}

export const baseEmoji = (key: string): string | undefined => key.match(/\p{Extended_Pictographic}/u)?.[0];
