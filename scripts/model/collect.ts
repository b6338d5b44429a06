/**
 * Step 1: English-Spanish parallel text from Debian packages (downloaded with `apt-get download`, unpacked with
 * `dpkg -x`, never installed) and from the sample help center in knowledge/.
 *
 * - gettext catalogs (`es/LC_MESSAGES/*.mo`): each English source string with its Spanish translation.
 * - help written in English and translated (same structure in both languages, as translation tools produce it):
 *   GNOME Mallard pages (`/usr/share/help/{C,es}/<app>/*.page`), KDE DocBook (`/usr/share/doc/HTML/{en,es}`),
 *   LibreOffice's help pages (paragraphs carry the same `par_id` in both languages) and the Debian Reference.
 *   Blocks are aligned in document order (a page whose block counts differ is skipped), then sentence by sentence
 *   when both sides split into as many sentences.
 * - knowledge/: articles in es and en that share a front-matter `topic`; titles, and questions paired by position.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readMo } from './mo.js';
import { splitSentences, stripAccelerators, stripMarkup, usablePair, type PairFilter } from './text.js';
import { foldWords, hashString } from '../../src/retrieval/static-model-features.js';

/** The Debian packages read (bookworm). Every one is downloaded, never installed. */
export const PACKAGES = [
  // Help pages in English and Spanish (GNOME Mallard, KDE DocBook, LibreOffice, Debian Reference).
  'gnome-user-docs', 'evolution-common', 'evince-common', 'gedit-common', 'eog', 'cheese-common', 'totem-common',
  'shotwell-common', 'simple-scan', 'seahorse', 'file-roller', 'baobab', 'gnome-system-monitor', 'gnome-terminal-data',
  'rhythmbox-data', 'gnome-clocks', 'kmail', 'korganizer', 'libreoffice-help-en-us', 'libreoffice-help-es',
  'debian-reference-en', 'debian-reference-es',
  // gettext catalogs of user-facing programs.
  'libreoffice-l10n-es', 'vlc-l10n', 'gnucash-common', 'gimp-data', 'gnome-calendar', 'gnome-maps',
  'gnome-control-center-data', 'network-manager', 'libgtk-3-common', 'gnome-software-common', 'nautilus-data',
  'gnome-contacts', 'gnome-weather', 'libgoa-1.0-common', 'gnome-initial-setup', 'gnome-shell-common', 'gnome-disk-utility',
  'kalarm', 'evolution-data-server-common', 'libgweather-4-common',
];

export interface Pair { en: string; es: string; source: string; kind: 'ui' | 'help' | 'knowledge'; split: 'train' | 'dev' | 'test' }

export interface SourceInfo { package: string; version: string; licences: string[]; pairs: number }

export interface CollectOptions {
  workDir: string;
  knowledgeDir: string;
  /** Caps, so the teacher's time stays bounded: at most this many help pairs from LibreOffice, and UI pairs overall. */
  maxLibreOfficeHelp: number;
  maxUi: number;
  log: (line: string) => void;
}

export function downloadPackages(workDir: string, log: (line: string) => void): Map<string, string> {
  const debs = path.join(workDir, 'debs');
  const root = path.join(workDir, 'root');
  mkdirSync(debs, { recursive: true });
  mkdirSync(root, { recursive: true });
  const have = () => new Map(readdirSync(debs).filter((f) => f.endsWith('.deb')).map((f) => [f.split('_')[0]!, path.join(debs, f)] as const));
  const missing = PACKAGES.filter((p) => !have().has(p));
  if (missing.length > 0) {
    log(`downloading ${missing.length} Debian packages with apt-get download ...`);
    try {
      execFileSync('apt-get', ['download', ...missing], { cwd: debs, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n').filter((l) => l.startsWith('E:')).join(' ');
      throw new Error(`apt-get download failed (${stderr || 'no detail'}); run "apt-get update" once and retry`);
    }
  }
  const files = have();
  const unpackedMark = path.join(root, '.unpacked');
  const unpacked = existsSync(unpackedMark) ? new Set(readFileSync(unpackedMark, 'utf8').split('\n')) : new Set<string>();
  for (const pkg of PACKAGES) {
    const deb = files.get(pkg);
    if (!deb) throw new Error(`package ${pkg} was not downloaded`);
    if (unpacked.has(path.basename(deb))) continue;
    execFileSync('dpkg', ['-x', deb, root]);
    unpacked.add(path.basename(deb));
  }
  writeFileSync(unpackedMark, [...unpacked].join('\n'));
  return files;
}

function walk(dir: string, test: (file: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, test, out);
    else if (entry.isFile() && test(full)) out.push(full);
  }
  return out;
}

/** Which package a file came from: the unpacked tree has no database, so index each package's file list. */
function ownerIndex(files: Map<string, string>): Map<string, string> {
  const owner = new Map<string, string>();
  for (const [pkg, deb] of files) {
    for (const file of listDeb(deb)) owner.set(file, pkg);
  }
  return owner;
}

function listDeb(deb: string): string[] {
  return execFileSync('dpkg-deb', ['-c', deb], { maxBuffer: 256 << 20 }).toString('utf8').split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' ').replace(/^\.\//, '/').replace(/ -> .*$/, '')).filter(Boolean);
}

const HELP_FILTER: PairFilter = { minWords: 3, maxWords: 40 };
const UI_FILTER: PairFilter = { minWords: 2, maxWords: 40 };

function splitOf(key: string): Pair['split'] {
  const h = hashString(0x53, key) % 100;
  return h === 0 ? 'test' : h === 1 ? 'dev' : 'train';
}

/** Aligned blocks -> pairs, sentence by sentence where both sides split alike. */
function blocksToPairs(enBlocks: string[], esBlocks: string[], source: string, split: Pair['split'], out: Pair[]): void {
  for (let i = 0; i < enBlocks.length; i++) {
    const en = stripMarkup(enBlocks[i]!);
    const es = stripMarkup(esBlocks[i]!);
    if (!en || !es || en === es) continue;
    const enS = splitSentences(en);
    const esS = splitSentences(es);
    if (enS.length === esS.length) {
      for (let j = 0; j < enS.length; j++) if (usablePair(enS[j]!, esS[j]!, HELP_FILTER)) out.push({ en: enS[j]!, es: esS[j]!, source, kind: 'help', split });
    } else if (usablePair(en, es, HELP_FILTER)) {
      out.push({ en, es, source, kind: 'help', split });
    }
  }
}

function blocks(xml: string, pattern: RegExp): string[] {
  return [...xml.matchAll(pattern)].map((m) => m[m.length - 1]!);
}

const MALLARD = /<(title|desc|subtitle|p|td|th)\b[^>]*>([\s\S]*?)<\/\1>/g;
const DOCBOOK = /<(title|para|term|simpara|entry)\b[^>]*>([\s\S]*?)<\/\1>/g;
const DEBREF = /<(p|h[1-6]|dt|td)\b[^>]*>([\s\S]*?)<\/\1>/g;

export function collectPairs(options: CollectOptions, owner: (file: string) => string): Pair[] {
  const root = path.join(options.workDir, 'root');
  const rel = (file: string) => '/' + path.relative(root, file);
  const help: Pair[] = [];
  // GNOME Mallard help.
  const helpRoot = path.join(root, 'usr/share/help');
  for (const app of existsSync(path.join(helpRoot, 'C')) ? readdirSync(path.join(helpRoot, 'C')).sort() : []) {
    for (const enFile of walk(path.join(helpRoot, 'C', app), (f) => f.endsWith('.page'))) {
      const esFile = enFile.replace(`${path.sep}C${path.sep}`, `${path.sep}es${path.sep}`);
      if (!existsSync(esFile)) continue;
      const en = blocks(readFileSync(enFile, 'utf8'), MALLARD);
      const es = blocks(readFileSync(esFile, 'utf8'), MALLARD);
      if (en.length !== es.length) continue;
      blocksToPairs(en, es, owner(rel(enFile)), splitOf(enFile.slice(root.length)), help);
    }
  }
  // KDE DocBook.
  const kdeRoot = path.join(root, 'usr/share/doc/HTML');
  for (const enFile of walk(path.join(kdeRoot, 'en'), (f) => f.endsWith('.docbook'))) {
    const esFile = enFile.replace(`${path.sep}en${path.sep}`, `${path.sep}es${path.sep}`);
    if (!existsSync(esFile)) continue;
    const en = blocks(readFileSync(enFile, 'utf8'), DOCBOOK);
    const es = blocks(readFileSync(esFile, 'utf8'), DOCBOOK);
    if (en.length !== es.length) continue;
    blocksToPairs(en, es, owner(rel(enFile)), splitOf(enFile.slice(root.length)), help);
  }
  // Debian Reference (HTML chapters ch01.en.html / ch01.es.html).
  const debref = path.join(root, 'usr/share/doc/debian-reference-en/docs');
  for (const enFile of walk(debref, (f) => f.endsWith('.en.html'))) {
    const esFile = enFile.replace('debian-reference-en', 'debian-reference-es').replace(/\.en\.html$/, '.es.html');
    if (!existsSync(esFile)) continue;
    const en = blocks(readFileSync(enFile, 'utf8'), DEBREF);
    const es = blocks(readFileSync(esFile, 'utf8'), DEBREF);
    if (en.length !== es.length) continue;
    blocksToPairs(en, es, 'debian-reference-en', splitOf(enFile.slice(root.length)), help);
  }
  // LibreOffice help: paragraphs keyed by id.
  const lo: Pair[] = [];
  const loRoot = path.join(root, 'usr/share/libreoffice/help');
  const LO_BLOCK = /<(p|h[1-6]|td)\s+id="((?:par|hd)_id\w+)"[^>]*>([\s\S]*?)<\/\1>/g;
  for (const enFile of walk(path.join(loRoot, 'en-US'), (f) => f.endsWith('.html'))) {
    const esFile = enFile.replace(`${path.sep}en-US${path.sep}`, `${path.sep}es${path.sep}`);
    if (!existsSync(esFile)) continue;
    const esById = new Map([...readFileSync(esFile, 'utf8').matchAll(LO_BLOCK)].map((m) => [m[2]!, m[3]!] as const));
    const en: string[] = [];
    const es: string[] = [];
    for (const m of readFileSync(enFile, 'utf8').matchAll(LO_BLOCK)) {
      const other = esById.get(m[2]!);
      if (other !== undefined) { en.push(m[3]!); es.push(other); }
    }
    blocksToPairs(en, es, 'libreoffice-help-en-us', splitOf(enFile.slice(root.length)), lo);
  }
  // gettext catalogs.
  const ui: Pair[] = [];
  // Catalogs of place names (libgweather's locations) are names, not sentences: left out.
  const catalog = (f: string) => f.endsWith('.mo') && f.includes(`${path.sep}es${path.sep}LC_MESSAGES${path.sep}`) && !/locations/.test(path.basename(f));
  for (const moFile of walk(root, catalog)) {
    const source = owner(rel(moFile));
    for (const entry of readMo(moFile)) {
      const en = stripAccelerators(entry.source).trim();
      const es = stripAccelerators(entry.translation).trim();
      if (usablePair(en, es, UI_FILTER)) ui.push({ en, es, source, kind: 'ui', split: splitOf(foldWords(en).join(' ')) });
    }
  }
  const pairs = [...help, ...sample(dedupe(lo), options.maxLibreOfficeHelp), ...sample(dedupe(ui), options.maxUi), ...knowledgePairs(options.knowledgeDir)];
  return dedupe(pairs);
}

/** One pair per (English, Spanish) after folding; at most two translations of the same English. */
function dedupe(pairs: Pair[]): Pair[] {
  const seen = new Set<string>();
  const perEnglish = new Map<string, number>();
  const out: Pair[] = [];
  for (const p of pairs) {
    const en = foldWords(p.en).join(' ');
    const key = `${en}\t${foldWords(p.es).join(' ')}`;
    if (seen.has(key)) continue;
    const n = perEnglish.get(en) ?? 0;
    if (n >= 2) continue;
    seen.add(key);
    perEnglish.set(en, n + 1);
    out.push(p);
  }
  return out;
}

/** A deterministic sample: the `max` pairs with the smallest hash. */
function sample(pairs: Pair[], max: number): Pair[] {
  if (pairs.length <= max) return pairs;
  return pairs.map((p, i) => ({ p, i, h: hashString(0x61, p.en + '\t' + p.es) })).sort((a, b) => a.h - b.h).slice(0, max)
    .sort((a, b) => a.i - b.i).map((x) => x.p);
}

interface KnowledgeArticle { topic: string; title: string; questions: string[]; blocks: string[] }

/** Paragraphs, list items and headings of a Markdown body as plain text (tables and code left out). */
function markdownBlocks(body: string): string[] {
  const out: string[] = [];
  for (const paragraph of body.split(/\n\s*\n/)) {
    if (/^\s*(\||```)/.test(paragraph)) continue;
    for (const line of paragraph.split(/\n(?=\s*(?:[-*]|\d+\.)\s)/)) {
      const text = line.replace(/^\s*(?:#+|[-*]|\d+\.|>)\s*/, '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/[*_`]+/g, '').replace(/\s+/g, ' ').trim();
      if (text) out.push(text);
    }
  }
  return out;
}

/** The sample help center: es and en articles sharing a `topic` translate each other. Always training data. */
export function knowledgePairs(dir: string): Pair[] {
  const byLocale: Record<string, Map<string, KnowledgeArticle>> = { en: new Map(), es: new Map() };
  for (const locale of ['en', 'es']) {
    for (const file of walk(path.join(dir, locale), (f) => f.endsWith('.md'))) {
      const text = readFileSync(file, 'utf8');
      const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1];
      if (!front) continue;
      const topic = /^topic:\s*(.+)$/m.exec(front)?.[1]?.trim();
      const title = /^title:\s*(.+)$/m.exec(front)?.[1]?.trim().replace(/^["']|["']$/g, '');
      if (!topic || !title) continue;
      const questions = [...(/^questions:\n((?:\s+-\s.*\n?)+)/m.exec(front)?.[1] ?? '').matchAll(/^\s+-\s+(.+)$/gm)].map((m) => m[1]!.trim().replace(/^["']|["']$/g, ''));
      const body = text.slice(text.indexOf('\n---', 3) + 4);
      byLocale[locale]!.set(topic, { topic, title, questions, blocks: markdownBlocks(body) });
    }
  }
  const out: Pair[] = [];
  for (const [topic, en] of byLocale.en!) {
    const es = byLocale.es!.get(topic);
    if (!es) continue;
    out.push({ en: en.title, es: es.title, source: 'knowledge', kind: 'knowledge', split: 'train' });
    const n = Math.min(en.questions.length, es.questions.length);
    for (let i = 0; i < n; i++) out.push({ en: en.questions[i]!, es: es.questions[i]!, source: 'knowledge', kind: 'knowledge', split: 'train' });
    // Bodies translate each other block by block when their structure matches.
    if (en.blocks.length === es.blocks.length) {
      const body: Pair[] = [];
      blocksToPairs(en.blocks, es.blocks, 'knowledge', 'train', body);
      for (const p of body) out.push({ ...p, kind: 'knowledge' });
    }
  }
  return out;
}

export function sourceInfo(files: Map<string, string>, root: string, pairs: Pair[]): SourceInfo[] {
  const counts = new Map<string, number>();
  for (const p of pairs) counts.set(p.source, (counts.get(p.source) ?? 0) + 1);
  return PACKAGES.map((pkg) => {
    const version = execFileSync('dpkg-deb', ['-f', files.get(pkg)!, 'Version']).toString('utf8').trim();
    const copyright = path.join(root, 'usr/share/doc', pkg, 'copyright');
    const licences = existsSync(copyright)
      ? [...new Set([...readFileSync(copyright, 'utf8').matchAll(/^License:\s*(.+)$/gm)].map((m) => m[1]!.trim()))]
      : [];
    return { package: pkg, version, licences, pairs: counts.get(pkg) ?? 0 };
  });
}

export { ownerIndex };
