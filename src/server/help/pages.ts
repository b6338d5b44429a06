import type { Article, Section } from '../../knowledge/index.js';
import { html, raw, type SafeHtml } from '../html.js';
import { languageName, type HelpLabels } from './labels.js';
import { helpPath, renderMarkdown } from './markdown.js';

/** What every page knows: whose help center, in which language. */
export interface PageContext {
  company: string;
  locale: string;
  labels: HelpLabels;
}

/** The same page in another language: the index in it, or an article's translation. */
export interface Alternate { locale: string; href: string }

export interface Category { name: string; articles: Article[] }

export interface SearchResultItem { article: Article; section: Section }

/** Longest query the search box takes (longer ones are cut). */
export const MAX_QUERY_CHARS = 200;

export function indexPage(context: PageContext, categories: readonly Category[], alternates: readonly Alternate[]): string {
  const { labels } = context;
  return layout(context, {
    title: labels.helpCenter(context.company), alternates,
    body: html`
<h1>${labels.helpCenter(context.company)}</h1>
${categories.map((category) => html`
<section class="category">
  <h2>${category.name}</h2>
  <ul class="articles">${category.articles.map((article) => html`
    <li><a href="${helpPath(article.id)}">${article.title}</a>${badge(article, labels)}</li>`)}
  </ul>
</section>`)}`,
  });
}

export interface ArticleView {
  article: Article;
  category: string;
  translations: readonly Article[];
  related: readonly Article[];
}

export function articlePage(context: PageContext, { article, category, translations, related }: ArticleView): string {
  const { labels, locale } = context;
  const headed = article.sections.filter((s) => s.anchor);
  return layout(context, {
    title: `${article.title} · ${labels.helpCenter(context.company)}`,
    alternates: translations.map((t) => ({ locale: t.locale, href: helpPath(t.id) })),
    body: html`
<nav class="crumbs"><a href="/help?lang=${locale}">${labels.allArticles}</a> › ${category}</nav>
<article class="${article.type}">
  <header>
    <h1>${article.title}</h1>
    ${article.type !== 'article' || article.updated ? html`<p class="meta">${badge(article, labels)}${article.updated ? html` <span>${labels.updated} ${longDate(article.updated, locale)}</span>` : ''}</p>` : ''}
    ${article.forum ? html`<p class="note">${labels.communityNote}</p>` : ''}
  </header>
  ${!article.forum && headed.length >= 3 ? html`
  <nav class="toc" aria-label="${labels.inThisArticle}"><h2>${labels.inThisArticle}</h2><ol>${headed.map((s) => html`
    <li><a href="#${s.anchor}">${s.heading}</a></li>`)}</ol></nav>` : ''}
  ${article.sections.map((section) => sectionHtml(article, section, labels))}
</article>
${related.length ? html`
<aside class="related">
  <h2>${labels.related}</h2>
  <ul>${related.map((r) => html`<li><a href="${helpPath(r.id)}">${r.title}</a>${badge(r, labels)}</li>`)}</ul>
</aside>` : ''}`,
  });
}

export function searchPage(context: PageContext, query: string, results: readonly SearchResultItem[], alternates: readonly Alternate[]): string {
  const { labels } = context;
  return layout(context, {
    title: `${labels.resultsFor} «${query}» · ${labels.helpCenter(context.company)}`, query, alternates,
    body: html`
<h1>${labels.resultsFor} «${query}»</h1>
${results.length ? html`
<ol class="results">${results.map(({ article, section }) => html`
  <li>
    <a href="${helpPath(article.id, section.anchor)}">${article.title}${section.anchor && section.heading !== article.title ? html` › ${section.heading}` : ''}</a>${badge(article, labels)}
    ${article.locale !== context.locale ? html`<span class="badge" lang="${article.locale}">${languageName(article.locale)}</span>` : ''}
    <p>${snippet(section.text)}</p>
  </li>`)}
</ol>` : html`<p class="empty">${labels.noResults} <a href="/">${labels.chat}</a></p>`}`,
  });
}

export function notFoundPage(context: PageContext): string {
  const { labels } = context;
  return layout(context, {
    title: labels.notFound,
    body: html`<h1>${labels.notFound}</h1><p>${labels.notFoundHint}</p><p><a href="/help?lang=${context.locale}">${labels.allArticles}</a></p>`,
  });
}

function sectionHtml(article: Article, section: Section, labels: HelpLabels): SafeHtml {
  const body = renderMarkdown(section.markdown);
  if (!section.anchor) {
    const author = article.forum && article.author ? html`<p class="author">${labels.askedBy} ${article.author}</p>` : '';
    return html`<div class="intro">${author}${body}</div>`;
  }
  const served = article.forum?.served;
  if (served && served.section.anchor === section.anchor) {
    const kind = article.forum!.servedBecause === 'accepted' ? labels.acceptedAnswer : labels.mostVotedAnswer;
    return html`
  <section id="${section.anchor}" class="answer">
    <h2>${kind}</h2>
    <p class="author">${served.author} · ${labels.votes(served.votes)}</p>
    ${body}
  </section>`;
  }
  // The article's title is its h1: a `##` heading is an h2, a `###` an h3.
  const level = Math.min(6, Math.max(2, section.headingPath.length + 1));
  return html`
  <section id="${section.anchor}">
    ${raw(`<h${level}>`)}${section.heading}${raw(`</h${level}>`)}
    ${body}
  </section>`;
}

const badge = (article: Article, labels: HelpLabels) =>
  article.type === 'article' ? '' : html` <span class="badge ${article.type}">${labels.types[article.type]}</span>`;

function snippet(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

function longDate(date: string, locale: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(parsed);
  } catch {
    return date;
  }
}

interface Layout { title: string; body: SafeHtml; query?: string; alternates?: readonly Alternate[] }

function layout({ company, locale, labels }: PageContext, { title, body, query = '', alternates = [] }: Layout): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/help/help.css">
</head>
<body>
<header class="top">
  <div class="wrap bar">
    <a class="brand" href="/help?lang=${locale}">${labels.helpCenter(company)}</a>
    ${alternates.length ? html`<nav class="languages">${labels.otherLanguage} ${alternates.map((a) => html`
      <a href="${a.href}" hreflang="${a.locale}" lang="${a.locale}">${languageName(a.locale)}</a>`)}</nav>` : ''}
  </div>
  <form class="wrap search" action="/help/search" method="get" role="search">
    <input type="hidden" name="lang" value="${locale}">
    <input type="search" name="q" value="${query}" placeholder="${labels.searchPlaceholder}" aria-label="${labels.search}" maxlength="${MAX_QUERY_CHARS}">
    <button type="submit">${labels.search}</button>
  </form>
</header>
<main class="wrap">${body}</main>
<footer class="wrap"><a href="/">${labels.chat}</a></footer>
</body>
</html>
`.value;
}
