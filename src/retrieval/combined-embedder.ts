import { toUnitLength } from '../util/vectors.js';
import type { Embedder } from './types.js';

/**
 * Several sentence models read as one: each text's vector is the models' vectors side by side, each scaled by the
 * square root of its share (`shares`, default equal), so the cosine of two combined vectors is the models' cosines
 * averaged with those weights, and the ranker's vector
 * classifier learns from all of them at once how much each is worth on this knowledge base. This is how the
 * bilingual model (Spanish, and questions in one language for articles in the other) and USE-lite (stronger in
 * English) are used together, and how a larger model a site fetched adds to them rather than replacing them.
 *
 * Given a language, a text is read only by the models that read it (the rest of its vector is zero): a Spanish
 * question on an English help center is then compared with the articles through the bilingual model alone, instead
 * of being pulled towards whatever English words USE-lite guesses from Spanish spelling. Its cosine with a passage
 * read by all the models is then the bilingual model's times the square root of that model's share
 * (`readShare`), which the search divides back out.
 */
export function combineEmbedders(parts: readonly Embedder[], shares?: readonly number[]): Embedder {
  if (parts.length === 1) return parts[0]!;
  if (!parts.length) throw new Error('combineEmbedders needs at least one model');
  const total = shares ? shares.reduce((a, b) => a + b, 0) : parts.length;
  const scales = parts.map((_, i) => Math.sqrt((shares?.[i] ?? 1) / total));
  const dimensions = parts.reduce((sum, p) => sum + p.dimensions, 0);
  // A model that reads every language (no locales) makes the whole read every language; otherwise the union.
  const locales = parts.some((p) => !p.locales) ? undefined : [...new Set(parts.flatMap((p) => p.locales!))];
  const weights = parts.map((_, i) => (shares?.[i] ?? 1) / total);
  // The shares are in the vectors: saved vectors of other shares must not be reused, so they are in the revision.
  const revision = [parts.flatMap((p) => (p.revision ? [p.revision] : [])).join('+'), parts.map((_, i) => shares?.[i] ?? 1).join(':')]
    .filter(Boolean).join(';');
  const reads = (p: Embedder, locale: string) => !p.locales || p.locales.includes(locale);
  return {
    id: parts.map((p) => p.id).join('+'),
    revision,
    dimensions,
    ...(locales && { locales }),
    parts,
    inParallel<T>(work: (calls: number) => Promise<T>): Promise<T> {
      // Each part's threads are available for the whole work; as many calls as the most parallel part allows.
      let wrapped = work;
      for (const part of parts) {
        if (!part.inParallel) continue;
        const inner = wrapped;
        wrapped = (calls) => part.inParallel!((more) => inner(Math.max(calls, more)));
      }
      return wrapped(1);
    },
    readShare(locale) {
      if (!parts.some((p) => reads(p, locale))) return 1;
      return parts.reduce((sum, p, i) => sum + (reads(p, locale) ? weights[i]! * (p.readShare?.(locale) ?? 1) : 0), 0);
    },
    async embed(texts, kind, locale) {
      // A text in a language no model reads keeps them all: some signal beats none.
      const used = !locale || !parts.some((p) => reads(p, locale)) ? () => true : (p: Embedder) => reads(p, locale);
      const each = await Promise.all(parts.map((p) => (used(p) ? p.embed(texts, kind, locale) : undefined)));
      return texts.map((_, t) => {
        const out = new Float32Array(dimensions);
        let offset = 0;
        each.forEach((vectors, m) => {
          const v = vectors?.[t];
          if (v) for (let j = 0; j < v.length; j++) out[offset + j] = v[j]! * scales[m]!;
          offset += parts[m]!.dimensions;
        });
        // Renormalised: a model that gives a text the zero vector (no word it knows) leaves the others' share whole.
        return toUnitLength(out);
      });
    },
  };
}
