/**
 * Removes personal data from text before it is stored or logged: emails, phone numbers (Spanish and international),
 * payment card numbers, Spanish DNI and NIE numbers, and IBANs, each replaced by a tag such as `[email]`; plus any
 * patterns the operator adds. A leaf module: it knows nothing about conversations.
 *
 * Numbers that carry a check digit are only redacted when it checks out (cards by Luhn, DNI/NIE by their letter,
 * IBANs by mod 97), so order numbers, dates and prices pass through untouched. Phone numbers have no check digit:
 * they are recognised by shape (a Spanish number is 9 digits starting with 6, 7, 8 or 9, grouped as people write
 * them; an international one starts with + or 00), and a number right after "pedido", "order", "#"... is left alone.
 */

export type RedactionKind = 'email' | 'iban' | 'card' | 'nationalId' | 'phone';

export const REDACTION_KINDS: readonly RedactionKind[] = ['email', 'iban', 'card', 'nationalId', 'phone'];

/** An operator's pattern: a regular expression (always applied globally) and what replaces each match. */
export interface RedactionPattern {
  pattern: string;
  flags?: string;
  replacement?: string;
}

export interface RedactOptions {
  /** Built-in kinds to apply; all of them by default. */
  kinds?: readonly RedactionKind[];
  /** Extra patterns, applied after the built-in kinds: a bare string is a pattern replaced by `[redacted]`. */
  patterns?: readonly (string | RedactionPattern)[];
}

export type Redactor = (text: string) => string;

export const REDACTED_TAGS: Readonly<Record<RedactionKind, string>> = {
  email: '[email]', iban: '[iban]', card: '[card]', nationalId: '[id]', phone: '[phone]',
};

/**
 * A redactor with the given kinds and extra patterns. Throws when an extra pattern is not a valid regular
 * expression, naming it (configuration validation reports it first).
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const kinds = REDACTION_KINDS.filter((kind) => (options.kinds ?? REDACTION_KINDS).includes(kind));
  const extra = (options.patterns ?? []).map(compilePattern);
  return (text) => {
    let result = text;
    for (const kind of kinds) result = RULES[kind](result);
    for (const { regex, replacement } of extra) result = result.replace(regex, replacement);
    return result;
  };
}

/** Redacts with every built-in kind and no extra pattern. */
export const redact: Redactor = createRedactor();

/** Why an operator's pattern cannot be used, or undefined when it can. */
export function patternProblem(pattern: string | RedactionPattern): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function compilePattern(entry: string | RedactionPattern): { regex: RegExp; replacement: string } {
  const { pattern, flags = '', replacement = '[redacted]' } = typeof entry === 'string' ? { pattern: entry } : entry;
  if (!pattern) throw new Error('an empty pattern would match everywhere');
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, [...new Set(`${flags}gu`)].join(''));
  } catch (error) {
    throw new Error(`invalid regular expression /${pattern}/: ${(error as Error).message}`);
  }
  if (regex.test('')) throw new Error(`/${pattern}/ matches empty text`);
  return { regex, replacement };
}

// ---------------------------------------------------------------------------------------------------------------

/** Not inside a longer word or number: "A612345678" and "1612345678" are codes, not phones. */
const START = String.raw`(?<![\p{L}\p{N}@._/+-])`;
const END = String.raw`(?![\p{L}\p{N}]|[.,/-]\p{N})`;

const EMAIL = new RegExp(String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`, 'gu');

// Two letters, two check digits, then 10 to 30 letters and digits, possibly in groups of four.
const IBAN = new RegExp(`${START}[A-Za-z]{2}\\d{2}(?:[ -]?[A-Za-z0-9]{1,4}){3,8}${END}`, 'gu');

// 13 to 19 digits, possibly in groups separated by spaces or dashes.
const CARD = new RegExp(`${START}\\d(?:[ -]?\\d){12,18}${END}`, 'gu');

// DNI: 8 digits and a letter; NIE: X, Y or Z, 7 digits and a letter. A space, dash or dot may separate the letter.
const NATIONAL_ID = new RegExp(`${START}(?:[XYZxyz][ -]?\\d{7}|\\d{8}|\\d{2}\\.\\d{3}\\.\\d{3})[ -]?[A-Za-z]${END}`, 'gu');

const SEP = '[ .-]?';
const PHONE_PATTERNS = [
  // International: +34 612 345 678, 0034 612345678, +44 20 7946 0958, +1 (555) 123-4567.
  String.raw`(?:\+|\b00)\d{1,3}${SEP}(?:\(\d{1,4}\)${SEP})?\d{1,4}(?:${SEP}\d{1,4}){1,5}`,
  // Spanish: 612 345 678, 612 34 56 78, 91 123 45 67, 612345678, (+34) 612 345 678.
  String.raw`(?:\(\+?34\)${SEP})?[6789]\d{2}${SEP}\d{3}${SEP}\d{3}`,
  String.raw`(?:\(\+?34\)${SEP})?[6789]\d{2}${SEP}\d{2}${SEP}\d{2}${SEP}\d{2}`,
  String.raw`(?:\(\+?34\)${SEP})?[89]\d${SEP}\d{3}${SEP}\d{2}${SEP}\d{2}`,
  // North American with separators: (555) 123-4567, 555-123-4567, 555.123.4567.
  String.raw`\(\d{3}\) ?\d{3}[ .-]\d{4}`,
  String.raw`\d{3}[.-]\d{3}[.-]\d{4}`,
  // British mobiles: 07700 900123.
  String.raw`07\d{3} ?\d{6}`,
];
const PHONE = new RegExp(`${START}(?:${PHONE_PATTERNS.join('|')})${END}`, 'gu');

/** Words after which a number is a reference, not a phone: "pedido 612345678", "order #912 345 678", "ref: ...". */
const REFERENCE_BEFORE = new RegExp(String.raw`(?:pedido|order|factura|invoice|referencia|reference|ref|ticket|incidencia|caso|case|seguimiento|tracking|albar[aá]n|#)`
  + String.raw`(?:[\s.:#º°-]+(?:es|is|de|del|number|n[uú]mero|num|no|nº|n°|id))*[\s.:#º°-]*$`, 'iu');
/** A number next to a currency or a percent sign is an amount. */
const AMOUNT_BEFORE = /(?:€|\$|£)\s?$/u;
const AMOUNT_AFTER = /^\s?(?:€|\$|£|%|eur\b|euros?\b|usd\b|d[oó]lares\b|dollars\b|libras\b|pounds\b)/iu;

const RULES: Record<RedactionKind, Redactor> = {
  email: (text) => text.replace(EMAIL, REDACTED_TAGS.email),
  iban: (text) => text.replace(IBAN, (match) => redactValidPrefix(match, validIban, REDACTED_TAGS.iban)),
  card: (text) => text.replace(CARD, (match) => redactValidPrefix(match, (m) => luhn(digitsOf(m)), REDACTED_TAGS.card)),
  nationalId: (text) => text.replace(NATIONAL_ID, (match) => (validSpanishId(match) ? REDACTED_TAGS.nationalId : match)),
  phone: (text) => text.replace(PHONE, (match, offset: number) => {
    const digits = digitsOf(match).length;
    if (digits < 9 || digits > 15) return match;
    const before = text.slice(Math.max(0, offset - 40), offset);
    const after = text.slice(offset + match.length, offset + match.length + 10);
    if (REFERENCE_BEFORE.test(before) || AMOUNT_BEFORE.test(before) || AMOUNT_AFTER.test(after)) return match;
    return REDACTED_TAGS.phone;
  }),
};

/**
 * A grouped number may run into the next word or number ("ES91 2100 ... 1332 GRACIAS", a card and then a year): the
 * longest prefix that ends at a group and checks out is redacted, the rest kept.
 */
function redactValidPrefix(match: string, valid: (candidate: string) => boolean, tag: string): string {
  const ends = [match.length, ...[...match.matchAll(/[ -]/g)].map((m) => m.index).reverse()];
  for (const end of ends) {
    if (valid(match.slice(0, end))) return tag + match.slice(end);
  }
  return match;
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

export function luhn(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** A DNI (12345678Z) or NIE (X1234567L) whose letter matches its number. */
export function validSpanishId(text: string): boolean {
  const compact = text.replace(/[\s.-]/g, '').toUpperCase();
  const match = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(compact);
  if (!match) return false;
  const [, prefix, digits, letter] = match;
  if ((prefix ? 7 : 8) !== digits!.length) return false;
  const number = Number(`${prefix ? 'XYZ'.indexOf(prefix) : ''}${digits}`);
  return DNI_LETTERS[number % 23] === letter;
}

/** IBAN lengths per country (ISO 13616); a country not listed is checked by mod 97 alone. */
const IBAN_LENGTHS: Record<string, number> = {
  ES: 24, DE: 22, FR: 27, IT: 27, PT: 25, GB: 22, IE: 22, NL: 18, BE: 16, AD: 24, CH: 21, AT: 20, LU: 20,
};

export function validIban(text: string): boolean {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected && compact.length !== expected) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}
