import { html, type SafeHtml } from '../html.js';

const WORDS = {
  es: { title: 'Asistente', helpCenter: 'Centro de ayuda', noScript: 'El chat necesita JavaScript. Mientras, puedes buscar en el centro de ayuda.', failed: 'No se pudo abrir el chat. Vuelve a intentarlo en un momento.' },
  en: { title: 'Assistant', helpCenter: 'Help center', noScript: 'The chat needs JavaScript. Meanwhile, you can search the help center.', failed: 'The chat could not start. Please try again in a moment.' },
} as const;

export interface ChatPageOptions {
  company: string;
  /** The page's language (the chat itself follows the browser's). */
  lang: string;
  helpCenterUrl: string;
  bundleUrl: string;
  /** Inside another site's frame (the embed): the chat only, without the header. */
  embedded: boolean;
}

/**
 * The customer's chat page: the official Web Chat, started by /webchat/chat.js (no inline script, so the page's
 * Content-Security-Policy allows scripts from this server only).
 */
export function chatPage({ company, lang, helpCenterUrl, bundleUrl, embedded }: ChatPageOptions): SafeHtml {
  const words = lang === 'en' ? WORDS.en : WORDS.es;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${company} · ${words.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/webchat/chat.css">
</head>
<body class="${embedded ? 'embedded' : ''}">
<header><strong>${company}</strong> <span>${words.title}</span> <a href="${helpCenterUrl}">${words.helpCenter}</a></header>
<main id="webchat" data-company="${company}" data-failed="${words.failed}" role="main"></main>
<noscript><p>${words.noScript} <a href="${helpCenterUrl}">${words.helpCenter}</a></p></noscript>
<script src="${bundleUrl}"></script>
<script src="/webchat/chat.js"></script>
</body>
</html>
`;
}

/** The page's language: the first of the browser's (Accept-Language, by preference) that Escucha speaks. */
export function pageLanguage(acceptLanguage: string | undefined, supported: readonly string[], fallback: string): string {
  const wanted = (acceptLanguage ?? '').split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { base: tag.toLowerCase().split('-')[0]!, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((l) => l.base && l.q > 0)
    .sort((a, b) => b.q - a.q);
  return wanted.find((l) => supported.includes(l.base))?.base ?? fallback;
}
