/**
 * The visitor's language: `?lang=` when it is one of the supported ones, else the first supported language of the
 * browser's Accept-Language (by preference), else the default.
 */
export function visitorLanguage(
  asked: unknown, acceptLanguage: string | undefined, locales: { default: string; supported: readonly string[] },
): string {
  const supported = (tag: string) => {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0]!;
    return locales.supported.includes(base) ? base : undefined;
  };
  if (typeof asked === 'string' && supported(asked)) return supported(asked)!;
  const preferred = (acceptLanguage ?? '').split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, quality: q ? Number(q.slice(2)) || 0 : 1, order };
    })
    .filter((p) => p.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  for (const { tag } of preferred) {
    const locale = supported(tag);
    if (locale) return locale;
  }
  return locales.default;
}
