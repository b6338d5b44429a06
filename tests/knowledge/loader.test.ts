import { describe, expect, it } from 'vitest';
import { chunkArticle, loadKnowledge, type KnowledgeBase } from '../../src/knowledge/index.js';
import { LOCALES, tempTree } from '../helpers.js';

const load = (files: Record<string, string | Uint8Array>, maxFileBytes = 1_000_000): Promise<KnowledgeBase> =>
  loadKnowledge({ dir: tempTree(files), locales: LOCALES, maxFileBytes });

const GOOD = `---
id: change-password
title: How do I change my password?
locale: en
questions:
  - I want a new password
  - update my login password
related: [reset-password]
---

You can change your password at any time.

## From the app

1. Open the app and tap **Profile**.
2. Tap **Security › Change password**.

   Type the new one twice.
3. Save.

## Prices

| plan | price |
| --- | --- |
| Básico | 9 € |
| Premium | 25 € |

## APN

\`\`\`
apn: internet.nubo
\`\`\`

If you forgot it, see [reset](reset-password.md#from-the-web).
`;

const RESET = `---
id: reset-password
title: Reset a forgotten password
locale: en
---

## From the web

Open nubo.example and choose **Forgot password**.
`;

describe('loading knowledge', () => {
  it('splits an article into sections with heading paths, anchors and file lines', async () => {
    const kb = await load({ 'en/change-password.md': GOOD, 'en/reset-password.md': RESET });
    expect(kb.diagnostics).toEqual([]);
    const article = kb.byId.get('change-password')!;
    expect(article.sections.map((s) => [s.anchor, s.line])).toEqual([['', 11], ['from-the-app', 13], ['prices', 21], ['apn', 28]]);
    expect(article.sections[1]!.headingPath).toEqual(['From the app']);
    expect(article.questions).toEqual(['I want a new password', 'update my login password']);
  });

  it('keeps a list, a table and a code block whole in their section', async () => {
    const kb = await load({ 'en/change-password.md': GOOD, 'en/reset-password.md': RESET });
    const article = kb.byId.get('change-password')!;
    const steps = article.sections[1]!;
    expect(steps.blocks).toHaveLength(1);
    expect(steps.blocks[0]!.markdown).toContain('Type the new one twice.');
    expect(steps.blocks[0]!.markdown).toMatch(/^1\. Open[\s\S]*3\. Save\.$/);
    expect(article.sections[2]!.blocks[0]!.text).toBe('plan | price\nBásico | 9 €\nPremium | 25 €');
    expect(article.sections[3]!.blocks[0]!.markdown).toBe('```\napn: internet.nubo\n```');
    // Even a tiny chunk limit never cuts a block.
    const chunks = chunkArticle(article, 10);
    expect(chunks.filter((c) => c.anchor === 'from-the-app')).toHaveLength(1);
    expect(chunks.find((c) => c.anchor === 'apn')!.text).toBe('How do I change my password? › APN\napn: internet.nubo');
  });

  it('resolves relative links between articles to kb:// ids with anchors', async () => {
    const kb = await load({ 'en/change-password.md': GOOD, 'en/reset-password.md': RESET });
    const section = kb.byId.get('change-password')!.sections[3]!;
    expect(section.markdown).toContain('[reset](kb://reset-password#from-the-web)');
  });

  it('defaults id from the path, type to faq, locale from config or the file name', async () => {
    const kb = await load({
      'Cuenta/Cambiar Contraseña.md': '---\ntitle: Cambiar contraseña\n---\nTexto.\n',
      'billing/refunds.en.md': '---\ntitle: Refunds\n---\nText.\n',
    });
    expect(kb.diagnostics).toEqual([]);
    expect(kb.articles.map((a) => [a.id, a.type, a.locale, a.status]).sort()).toEqual([
      ['billing/refunds.en', 'faq', 'en', 'published'],
      ['cuenta/cambiar-contrasena', 'faq', 'es', 'published'],
    ]);
  });

  it('never serves drafts but still checks them', async () => {
    const kb = await load({
      'a.md': '---\ntitle: Live\n---\nText.\n',
      'b.md': '---\ntitle: Soon\nstatus: draft\nquestons: [x]\n---\nText.\n',
    });
    expect(kb.articles.map((a) => a.id)).toEqual(['a', 'b']);
    expect(kb.published.map((a) => a.id)).toEqual(['a']);
    expect(kb.diagnostics.map((d) => d.message)).toEqual(['unknown front-matter key "questons" (did you mean "questions"?)']);
  });
});

describe('forum threads', () => {
  const thread = (answers: string) => `---
title: eSIM not working after changing phones
type: forum
locale: en
author: "@marta"
---

I moved to a new phone and the eSIM says "No service".

${answers}`;

  it('serves only the accepted answer and remembers the others', async () => {
    const kb = await load({ 't.md': thread('## Answer by @pablo · 20 votes\n\nRestart it.\n\n## Answer by @nubo_ana · 14 votes · accepted\n\nAsk for a new eSIM QR in the app.\n\n## Respuesta de @luis | 1 voto\n\nNi idea.\n') });
    const article = kb.articles[0]!;
    expect(article.forum!.answers.map((a) => [a.author, a.votes, a.accepted])).toEqual([['@pablo', 20, false], ['@nubo_ana', 14, true], ['@luis', 1, false]]);
    expect(article.forum!.servedBecause).toBe('accepted');
    expect(article.sections.map((s) => s.text)).toEqual(['I moved to a new phone and the eSIM says "No service".', 'Ask for a new eSIM QR in the app.']);
    expect(article.sections[1]!.anchor).toBe('answer-nubo-ana');
  });

  it('falls back to the best-voted answer when none is accepted', async () => {
    const kb = await load({ 't.md': thread('## Answer by @a - 2 votes\n\nOne.\n\n## Answer by @b - 9 votes\n\nTwo.\n') });
    expect(kb.articles[0]!.forum!.served.author).toBe('@b');
    expect(kb.articles[0]!.forum!.servedBecause).toBe('votes');
  });

  it('rejects a thread without answers and warns about two accepted ones', async () => {
    const kb = await load({
      'none.md': thread('Any idea?\n'),
      'two.md': thread('## Answer by @a · 2 votes · accepted\n\nOne.\n\n## Answer by @b · 9 votes · accepted\n\nTwo.\n'),
    });
    expect(kb.articles.map((a) => a.path)).toEqual(['two.md']);
    expect(kb.articles[0]!.forum!.served.author).toBe('@a');
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.severity}`)).toEqual(['none.md:3: error', 'two.md:14: warning']);
  });
});

describe('broken files', () => {
  const ok = { 'ok.md': '---\ntitle: Fine\n---\nServed anyway.\n' };

  it('skips a file with invalid YAML, naming the line, and serves the rest', async () => {
    const kb = await load({ ...ok, 'bad.md': '---\ntitle: Broken\nquestions: [one, two\ntags: x\n---\nBody\n' });
    expect(kb.published.map((a) => a.id)).toEqual(['ok']);
    expect(kb.diagnostics).toHaveLength(1);
    expect(kb.diagnostics[0]).toMatchObject({ path: 'bad.md', severity: 'error', skipsFile: true });
    expect(kb.diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
    expect(kb.diagnostics[0]!.message).toMatch(/^invalid YAML in front matter: /);
  });

  it('keeps the first of two files with the same id and points to it', async () => {
    const kb = await load({
      'a/first.md': '---\nid: same\ntitle: First\n---\nOne.\n',
      'b/second.md': '---\ntitle: Second\nid: same\n---\nTwo.\n',
    });
    expect(kb.published.map((a) => a.title)).toEqual(['First']);
    expect(kb.diagnostics).toEqual([expect.objectContaining({
      path: 'b/second.md', line: 3, code: 'duplicate-id', skipsFile: true,
      message: 'duplicate id "same": already used by a/first.md:2; this file is not served',
    })]);
  });

  it('strips HTML and script injection from what is served, and reports each', async () => {
    const kb = await load({
      'x.md': '---\ntitle: Injection\n---\nHello <img src=x onerror="alert(1)"> world.\n\n<script>alert("x")</script>\n\n<div class="note">\nA note\n</div>\n\nClick [here](javascript:alert(1)).\n',
    });
    const served = kb.articles[0]!.sections.map((s) => s.markdown + s.text).join('\n');
    expect(served).not.toMatch(/<|onerror|alert\("x"\)/);
    expect(kb.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([
      '4: raw HTML removed (<img>): use Markdown instead',
      '6: raw HTML removed (<script>): use Markdown instead',
      '8: raw HTML removed (<div>): use Markdown instead',
    ]);
  });

  it('refuses JavaScript front matter instead of running it', async () => {
    (globalThis as Record<string, unknown>).escuchaPwned = false;
    const kb = await load({ ...ok, 'js.md': '---js\n{ title: (globalThis.escuchaPwned = true, "x") }\n---\nBody\n' });
    expect((globalThis as Record<string, unknown>).escuchaPwned).toBe(false);
    expect(kb.diagnostics[0]!.message).toBe('front matter must be YAML (start it with ---), not ---js; this file is not served');
  });

  it('skips an empty file, a file with only front matter and one without front matter', async () => {
    const kb = await load({ ...ok, 'empty.md': '', 'blank.md': '\n\n  \n', 'fm.md': '---\ntitle: Only settings\n---\n', 'plain.md': '# Hello\n\nNo settings.\n' });
    expect(kb.published.map((a) => a.id)).toEqual(['ok']);
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.code}`)).toEqual([
      'blank.md:1: empty-file', 'empty.md:1: empty-file', 'fm.md:4: empty-body', 'plain.md:1: frontmatter-missing',
    ]);
  });

  it('skips a 5 MB file without reading it and serves the rest', async () => {
    const huge = `---\ntitle: Huge\n---\n${'a line of text\n'.repeat(350_000)}`;
    const kb = await load({ ...ok, 'huge.md': huge });
    expect(kb.published.map((a) => a.id)).toEqual(['ok']);
    expect(kb.diagnostics[0]!.message).toBe('file is 5.3 MB, over the 1.0 MB limit (knowledge.maxFileBytes): split it into several articles; this file is not served');
  });

  it('skips a file that is not UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([Buffer.from('---\ntitle: Facturaci'), Buffer.from([0xf3]), Buffer.from('n\n---\nTexto\n')]);
    const kb = await load({ ...ok, 'latin1.md': latin1 });
    expect(kb.published.map((a) => a.id)).toEqual(['ok']);
    expect(kb.diagnostics[0]).toMatchObject({ line: 2, code: 'encoding' });
  });

  it('skips wrong field types, a missing title and an unconfigured locale', async () => {
    const kb = await load({
      ...ok,
      'types.md': '---\ntitle: T\nescalate: "yes"\nquestions: just one\n---\nText\n',
      'notitle.md': '---\ntags: [x]\n---\nText\n',
      'fr.md': '---\ntitle: Bonjour\nlocale: fr\n---\nTexte\n',
    });
    expect(kb.published.map((a) => a.id)).toEqual(['ok']);
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.message}`)).toEqual([
      'fr.md:3: locale "fr" is not configured (locales.supported: es, en); this file is not served',
      'notitle.md:1: missing title: every article needs `title:` in its front matter; this file is not served',
      'types.md:3: escalate: expected true or false, got "yes"; this file is not served',
      'types.md:4: questions: expected a list of text, got "just one"; this file is not served',
    ]);
  });

  it('reports related ids that do not exist and drops them', async () => {
    const kb = await load({
      'a.md': '---\nid: refunds\ntitle: Refunds\nrelated:\n  - billing-disput\n  - payment\n---\nText\n',
      'b.md': '---\nid: billing-dispute\ntitle: Disputes\n---\nText\n',
      'c.md': '---\nid: payment\ntitle: Payment\n---\nText\n',
    });
    expect(kb.byId.get('refunds')!.related).toEqual(['payment']);
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.message}`)).toEqual([
      'a.md:4: related id "billing-disput" does not exist (did you mean "billing-dispute"?)',
    ]);
  });

  it('reports broken links and anchors, and serves their text without the link', async () => {
    const kb = await load({
      'es/a.md': '---\ntitle: A\n---\nVer [B](b.md), [sección](b.md#precios), [nada](c.md) y [mal](b.md#nope).\n',
      'es/b.md': '---\ntitle: B\n---\n## Precios\n\nTexto.\n',
    });
    expect(kb.diagnostics.map((d) => d.message)).toEqual([
      'broken link: c.md (no file es/c.md in the knowledge folder)',
      'broken link: b.md#nope (es/b.md has no section #nope; its sections are #precios)',
    ]);
    expect(kb.byId.get('es/a')!.sections[0]!.markdown).toBe('Ver [B](kb://es/b), [sección](kb://es/b#precios), nada y mal.');
  });

  it('warns when two articles share an alternate question, but not translations of one topic', async () => {
    const kb = await load({
      'a.md': '---\ntitle: Change plan\nquestions: [¿Cómo cambio de tarifa?]\n---\nText\n',
      'b.md': '---\ntitle: Upgrade\nquestions:\n  - otra\n  - como cambio de tarifa\n---\nText\n',
      'c.md': '---\ntitle: Plan\ntopic: t\nquestions: [same words]\n---\nText\n',
      'd.md': '---\ntitle: Plan 2\ntopic: t\nquestions: [Same words]\n---\nText\n',
    });
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.severity}: ${d.message}`)).toEqual([
      'b.md:3: warning: "como cambio de tarifa" is also a question or title of a.md:3 ("a"): customers asking it may get either',
    ]);
  });
});
