/**
 * Turns the public intent data sets in ../shared/eval into knowledge folders and case files for `escucha eval`:
 * one article per intent whose alternate questions are the first K training utterances, and held-out queries
 * as cases (clinc150's out-of-scope queries expect no article), plus other held-out queries for tuning.
 * Output: data/eval/<set>/{knowledge/, cases.jsonl, dev.jsonl}; `tod-es-en` asks tod-es's Spanish questions of
 * the same topics written in English.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/** `cases` are held-out test queries; `devCases` are other held-out queries, for tuning (calibration) only. */
export interface EvalSet { name: string; locale: string; articleLocale: string; knowledge: string; cases: string; devCases: string }
interface Split { rows: Rows; oos: string[] }
type Rows = Array<[text: string, intent: string]>;

/** `card_arrival` → "Card arrival". */
export const readableIntent = (intent: string) => {
  const words = intent.replace(/^.*\//, '').replace(/[_/]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const idOf = (intent: string) => intent.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
/** A YAML scalar for front matter: a JSON string is a valid double-quoted YAML string. */
export const yamlString = (s: string) => JSON.stringify(s);

function writeCases(file: string, name: string, locale: string, { rows, oos }: Split): void {
  const cases = [
    ...rows.map(([q, intent], i) => ({ id: `${name}-${i}`, q, expect: [idOf(intent)], lang: locale })),
    ...oos.map((q, i) => ({ id: `${name}-oos-${i}`, q, expect: [], lang: locale })),
  ];
  writeFileSync(file, `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
}

/** `locale` is the questions' language; `articleLocale` the articles', when they are written in another one. */
function writeSet(outRoot: string, name: string, locale: string, train: Rows, test: Split, dev: Split, k: number, articleLocale = locale): EvalSet {
  const dir = path.join(outRoot, name);
  rmSync(dir, { recursive: true, force: true });
  const knowledge = path.join(dir, 'knowledge');
  mkdirSync(knowledge, { recursive: true });
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of train) {
    const list = byIntent.get(intent) ?? [];
    const seen = list.some((q) => q.toLowerCase() === text.toLowerCase());
    if (list.length < k && !seen) list.push(text);
    byIntent.set(intent, list);
  }
  const body = articleLocale === 'es' ? (t: string) => `Este artículo trata sobre: ${t.toLowerCase()}.` : (t: string) => `This article is about: ${t.toLowerCase()}.`;
  for (const [intent, questions] of byIntent) {
    const title = readableIntent(intent);
    writeFileSync(path.join(knowledge, `${idOf(intent)}.md`), [
      '---', `id: ${idOf(intent)}`, `title: ${yamlString(title)}`, `locale: ${articleLocale}`, 'questions:',
      ...questions.map((q) => `  - ${yamlString(q)}`), '---', '', body(title), '',
    ].join('\n'));
  }
  writeCases(path.join(dir, 'cases.jsonl'), name, locale, test);
  writeCases(path.join(dir, 'dev.jsonl'), `${name}-dev`, locale, dev);
  return { name, locale, articleLocale, knowledge, cases: path.join(dir, 'cases.jsonl'), devCases: path.join(dir, 'dev.jsonl') };
}

/** Up to `take` rows per intent after its first `skip` (which became the article's questions). */
function beyondFirst(rows: Rows, skip: number, take: number): Rows {
  const seen = new Map<string, number>();
  const used = new Set<string>();
  return rows.filter(([text, intent]) => {
    const n = (seen.get(intent) ?? 0) + 1;
    seen.set(intent, n);
    const key = `${intent}\u0000${text.toLowerCase()}`;
    if (n <= skip) { used.add(key); return false; }
    return n <= skip + take && !used.has(key);
  });
}

export function buildEvalSets(shared: string, outRoot: string, k = 10): EvalSet[] {
  if (!existsSync(shared)) throw new Error(`evaluation data not found at ${shared} (give --shared DIR)`);
  const csv = (file: string): Rows => (parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as { text: string; category: string }[])
    .map((r) => [r.text, r.category]);
  const tsv = (file: string): Rows => readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((line): [string, string] => { const [intent = '', ...text] = line.split('\t'); return [text.join(' ').trim(), intent]; })
    .filter(([text, intent]) => text && intent !== 'intent');
  const banking = csv(path.join(shared, 'banking77/train.csv'));
  const clinc = JSON.parse(readFileSync(path.join(shared, 'clinc150/data_full.json'), 'utf8')) as Record<string, Rows>;
  const oos = (rows: Rows) => rows.map(([q]) => q);
  return [
    // banking77 has no validation split: its dev queries are training utterances beyond the K used as questions.
    writeSet(outRoot, 'banking77', 'en', banking, { rows: csv(path.join(shared, 'banking77/test.csv')), oos: [] },
      { rows: beyondFirst(banking, k, 15), oos: [] }, k),
    writeSet(outRoot, 'clinc150', 'en', clinc.train!, { rows: clinc.test!, oos: oos(clinc.oos_test!) },
      { rows: clinc.val!, oos: oos(clinc.oos_val!) }, k),
    writeSet(outRoot, 'tod-es', 'es', tsv(path.join(shared, 'tod-es/train-es.intent_text.tsv')),
      { rows: tsv(path.join(shared, 'tod-es/test-es.intent_text.tsv')), oos: [] },
      { rows: tsv(path.join(shared, 'tod-es/eval-es.intent_text.tsv')), oos: [] }, k),
    // The same Spanish questions against the same topics written up in English only (no Spanish twin to pool
    // from): what a bilingual model must bridge. The set has no English training split; its English evaluation
    // split gives the articles' questions.
    writeSet(outRoot, 'tod-es-en', 'es', tsv(path.join(shared, 'tod-es/eval-en.intent_text.tsv')),
      { rows: tsv(path.join(shared, 'tod-es/test-es.intent_text.tsv')), oos: [] },
      { rows: tsv(path.join(shared, 'tod-es/eval-es.intent_text.tsv')), oos: [] }, k, 'en'),
  ];
}
