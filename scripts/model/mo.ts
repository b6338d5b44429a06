/** Reads GNU gettext `.mo` catalogs: the source (English) strings and their translations. */
import { readFileSync } from 'node:fs';

export interface CatalogEntry { source: string; translation: string; context?: string }

export function readMo(file: string): CatalogEntry[] {
  const buf = readFileSync(file);
  if (buf.length < 28) return [];
  const magic = buf.readUInt32LE(0);
  const le = magic === 0x950412de;
  if (!le && buf.readUInt32BE(0) !== 0x950412de) throw new Error(`${file}: not a .mo file`);
  const u32 = (offset: number) => (le ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset));
  const count = u32(8);
  const originals = u32(12);
  const translations = u32(16);
  const out: CatalogEntry[] = [];
  for (let i = 0; i < count; i++) {
    const oLen = u32(originals + i * 8);
    const oOff = u32(originals + i * 8 + 4);
    const tLen = u32(translations + i * 8);
    const tOff = u32(translations + i * 8 + 4);
    if (oLen === 0) continue; // the header
    let source = buf.toString('utf8', oOff, oOff + oLen);
    const translation = buf.toString('utf8', tOff, tOff + tLen);
    let context: string | undefined;
    const eot = source.indexOf('\u0004');
    if (eot >= 0) { context = source.slice(0, eot); source = source.slice(eot + 1); }
    // Plural forms: singular\0plural -> the singular with the first translated form.
    const s = source.split('\u0000')[0]!;
    const t = translation.split('\u0000')[0]!;
    if (s && t) out.push(context === undefined ? { source: s, translation: t } : { source: s, translation: t, context });
  }
  return out;
}
