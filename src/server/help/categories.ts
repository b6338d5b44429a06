import type { Article } from '../../knowledge/index.js';

/** Names of the usual folders of a support help center; any other folder is shown as its own name, tidied. */
const CATEGORY_NAMES: Record<string, Record<string, string>> = {
  account: { es: 'Cuenta', en: 'Account' },
  app: { es: 'App', en: 'App' },
  billing: { es: 'Facturas y pagos', en: 'Billing and payments' },
  community: { es: 'Comunidad', en: 'Community' },
  device: { es: 'Dispositivos', en: 'Devices' },
  general: { es: 'General', en: 'General' },
  network: { es: 'Red y cobertura', en: 'Network and coverage' },
  plans: { es: 'Planes', en: 'Plans' },
  privacy: { es: 'Privacidad', en: 'Privacy' },
  roaming: { es: 'Roaming', en: 'Roaming' },
  'sim-esim': { es: 'SIM y eSIM', en: 'SIM and eSIM' },
  support: { es: 'Atención al cliente', en: 'Customer support' },
};

/**
 * An article's category: the folder it is in, below the language folder (`es/billing/refunds.md` → `billing`);
 * forum threads all go to `community`, and files directly in a language folder to `general`.
 */
export function categoryOf(article: Article, locales: readonly string[]): string {
  if (article.type === 'forum') return 'community';
  const folders = article.path.split('/').slice(0, -1);
  if (folders[0] && (folders[0] === article.locale || locales.includes(folders[0]))) folders.shift();
  return folders[0] ?? 'general';
}

export function categoryName(category: string, locale: string): string {
  const known = CATEGORY_NAMES[category]?.[locale];
  if (known) return known;
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
