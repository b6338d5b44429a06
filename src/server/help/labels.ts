import type { ArticleType } from '../../knowledge/index.js';

/** Every word of the help center's own pages (the articles bring theirs), per language. */
export interface HelpLabels {
  helpCenter: (company: string) => string;
  search: string;
  searchPlaceholder: string;
  resultsFor: string;
  noResults: string;
  chat: string;
  allArticles: string;
  inThisArticle: string;
  related: string;
  updated: string;
  types: Record<ArticleType, string>;
  community: string;
  communityNote: string;
  askedBy: string;
  acceptedAnswer: string;
  mostVotedAnswer: string;
  votes: (n: number) => string;
  otherLanguage: string;
  notFound: string;
  notFoundHint: string;
}

const es: HelpLabels = {
  helpCenter: (company) => `Centro de ayuda de ${company}`,
  search: 'Buscar',
  searchPlaceholder: '¿En qué podemos ayudarte?',
  resultsFor: 'Resultados para',
  noResults: 'No hemos encontrado nada con esas palabras. Prueba con otras, o pregunta a nuestro asistente.',
  chat: 'Hablar con el asistente',
  allArticles: 'Todos los artículos',
  inThisArticle: 'En este artículo',
  related: 'Artículos relacionados',
  updated: 'Actualizado el',
  types: { faq: 'Pregunta frecuente', article: 'Guía', forum: 'Comunidad' },
  community: 'Comunidad',
  communityNote: 'Hilo de la comunidad: la respuesta la escribió otra persona del foro, no es un artículo oficial.',
  askedBy: 'Pregunta de',
  acceptedAnswer: 'Respuesta aceptada',
  mostVotedAnswer: 'Respuesta más votada',
  votes: (n) => `${n} ${n === 1 ? 'voto' : 'votos'}`,
  otherLanguage: 'También en',
  notFound: 'No encontramos esa página',
  notFoundHint: 'Puede que el artículo se haya movido o retirado. Busca lo que necesitas:',
};

const en: HelpLabels = {
  helpCenter: (company) => `${company} Help Center`,
  search: 'Search',
  searchPlaceholder: 'How can we help?',
  resultsFor: 'Results for',
  noResults: 'Nothing matched those words. Try others, or ask our assistant.',
  chat: 'Chat with the assistant',
  allArticles: 'All articles',
  inThisArticle: 'In this article',
  related: 'Related articles',
  updated: 'Updated on',
  types: { faq: 'FAQ', article: 'Guide', forum: 'Community' },
  community: 'Community',
  communityNote: 'Community thread: the answer was written by someone on the forum; it is not an official article.',
  askedBy: 'Asked by',
  acceptedAnswer: 'Accepted answer',
  mostVotedAnswer: 'Most voted answer',
  votes: (n) => `${n} ${n === 1 ? 'vote' : 'votes'}`,
  otherLanguage: 'Also in',
  notFound: 'We could not find that page',
  notFoundHint: 'The article may have moved or been retired. Search for what you need:',
};

const LABELS: Record<string, HelpLabels> = { es, en };

/** A language without its own labels gets the English ones: the articles stay in their language. */
export const labelsFor = (locale: string): HelpLabels => LABELS[locale] ?? en;

const LANGUAGE_NAMES: Record<string, string> = { es: 'Español', en: 'English', ca: 'Català', eu: 'Euskara', gl: 'Galego', pt: 'Português', fr: 'Français' };

/** A language's name in that language, for the links between translations. */
export const languageName = (locale: string) => LANGUAGE_NAMES[locale] ?? locale.toUpperCase();
