import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Article, KnowledgeBase } from '../../knowledge/index.js';
import { categoryName, categoryOf } from '../help/categories.js';
import { labelsFor } from '../help/labels.js';
import { visitorLanguage } from '../help/language.js';
import {
  articlePage, indexPage, MAX_QUERY_CHARS, notFoundPage, searchPage, type Alternate, type Category, type PageContext,
} from '../help/pages.js';

const STYLESHEET = readFileSync(new URL('../help/help.css', import.meta.url), 'utf8');

/** Results the search page lists at most, and the confidence below which a hit is noise rather than a result. */
const MAX_RESULTS = 10;
const MIN_CONFIDENCE = 0.1;

/**
 * Pages show only what they are built from: no scripts at all, styles and images from here (and images writers link),
 * and no other site may frame them.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

type LangQuery = { Querystring: { lang?: string; q?: string } };

/**
 * The help center at /help: the published articles in the visitor's language, grouped by category, each article with
 * its sections at their anchors (where the bot's citations land), its translations and related articles, and a search
 * box served by the bot's own search.
 */
export const helpRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const { config } = runtime;
  const supported = config.locales.supported;
  const contextFor = (locale: string): PageContext => ({ company: config.company.name, locale, labels: labelsFor(locale) });
  const page = (reply: FastifyReply, body: string, status = 200) => reply.code(status).headers(PAGE_HEADERS).send(body);

  app.get('/help/help.css', async (_request, reply) =>
    reply.headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }).send(STYLESHEET));

  const index = async (request: { query: LangQuery['Querystring']; headers: Record<string, unknown> }, reply: FastifyReply) => {
    const locale = visitorLanguage(request.query.lang, request.headers['accept-language'] as string | undefined, config.locales);
    const knowledge = runtime.live.knowledge;
    return page(reply, indexPage(contextFor(locale), categoriesOf(knowledge, locale, supported), otherLanguages(knowledge, locale)));
  };
  app.get<LangQuery>('/help', index);
  app.get<LangQuery>('/help/', index);

  app.get<LangQuery>('/help/search', async (request, reply) => {
    const locale = visitorLanguage(request.query.lang, request.headers['accept-language'], config.locales);
    const query = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, MAX_QUERY_CHARS) : '';
    if (!query) return reply.redirect(`/help?lang=${encodeURIComponent(locale)}`);
    const { hits } = await runtime.live.search(query, { locale }, MAX_RESULTS);
    const results = hits.filter((h) => h.confidence >= MIN_CONFIDENCE).map(({ article, section }) => ({ article, section }));
    const alternates = otherLanguages(runtime.live.knowledge, locale)
      .map((a) => ({ ...a, href: `/help/search?lang=${encodeURIComponent(a.locale)}&q=${encodeURIComponent(query)}` }));
    return page(reply, searchPage(contextFor(locale), query, results, alternates));
  });

  app.get<{ Params: { id: string } } & LangQuery>('/help/:id', async (request, reply) => {
    const knowledge = runtime.live.knowledge;
    const article = knowledge.byId.get(request.params.id);
    if (!article || article.status !== 'published') {
      const locale = visitorLanguage(request.query.lang, request.headers['accept-language'], config.locales);
      return page(reply, notFoundPage(contextFor(locale)), 404);
    }
    return page(reply, articlePage(contextFor(article.locale), {
      article,
      category: categoryName(categoryOf(article, supported), article.locale),
      translations: translationsOf(knowledge, article),
      related: relatedOf(knowledge, article),
    }));
  });
};

function categoriesOf(knowledge: KnowledgeBase, locale: string, locales: readonly string[]): Category[] {
  const groups = new Map<string, Article[]>();
  for (const article of knowledge.published) {
    if (article.locale !== locale) continue;
    const category = categoryOf(article, locales);
    groups.set(category, [...(groups.get(category) ?? []), article]);
  }
  const collator = new Intl.Collator(locale);
  return [...groups].map(([category, articles]) => ({
    community: category === 'community',
    name: categoryName(category, locale),
    articles: articles.sort((a, b) => collator.compare(a.title, b.title)),
  }))
    // Community threads come after the official articles.
    .sort((a, b) => Number(a.community) - Number(b.community) || collator.compare(a.name, b.name))
    .map(({ name, articles }) => ({ name, articles }));
}

/** The other languages the help center has articles in, as links to its index in each. */
function otherLanguages(knowledge: KnowledgeBase, locale: string): Alternate[] {
  const locales = new Set(knowledge.published.map((a) => a.locale));
  locales.delete(locale);
  return [...locales].sort().map((other) => ({ locale: other, href: `/help?lang=${encodeURIComponent(other)}` }));
}

/** Articles that translate each other share a `topic`. */
function translationsOf(knowledge: KnowledgeBase, article: Article): Article[] {
  if (!article.topic) return [];
  return knowledge.published.filter((a) => a.topic === article.topic && a.locale !== article.locale);
}

/** The related articles that are published, each in the article's language when it has a translation in it. */
function relatedOf(knowledge: KnowledgeBase, article: Article): Article[] {
  const related = article.related.flatMap((id) => {
    const found = knowledge.byId.get(id);
    if (!found || found.status !== 'published') return [];
    if (found.locale === article.locale || !found.topic) return [found];
    return [knowledge.published.find((a) => a.topic === found.topic && a.locale === article.locale) ?? found];
  });
  return [...new Map(related.map((a) => [a.id, a])).values()];
}
