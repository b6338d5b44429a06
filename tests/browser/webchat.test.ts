import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFixture, type ServerFixture } from '../server/fixture.js';
import { browserTestsRun, launchChromium, requireBrowserOrSkip } from './chromium.js';

/**
 * The customer's side in a real browser: the page at / runs the official Web Chat bundle over Escucha's own Direct
 * Line, in the browser's language; answers cite the help center, and a frustrated customer reaches a person.
 */
requireBrowserOrSkip('web chat browser tests');

describe.runIf(browserTestsRun)('the web chat in Chromium', () => {
  let browser: Browser;
  let server: ServerFixture;
  let base: string;
  // Another site (another origin) that embeds the chat with the documented snippet.
  let site: Server;
  let siteOrigin: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    site = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><body><h1>Nubo</h1><script src="${base}/embed.js" defer></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await serverFixture({ config: `  server: { corsOrigins: ['${siteOrigin}'] },` });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** A customer's browser in a language, with the errors its pages report. */
  async function customerBrowser(locale: string) {
    const context = await browser.newContext({ locale });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    return { page, problems };
  }

  /** The chat page, once the welcome has arrived. */
  async function openChat(locale: string, welcome: string): Promise<Page> {
    const { page, problems } = await customerBrowser(locale);
    await page.goto(`${base}/`);
    await bubble(page, welcome).waitFor({ timeout: 20_000 });
    expect(problems).toEqual([]);
    return page;
  }

  /** A message bubble (the transcript also holds hidden copies of each message for screen readers). */
  const bubble = (page: Page, text: string) => page.locator('.webchat__bubble__content').filter({ hasText: text }).last();

  async function say(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox').first();
    await box.fill(text);
    await box.press('Enter');
  }

  it('answers a question with a citation whose link opens the article in the help center', async () => {
    const page = await openChat('es-ES', 'Hola, soy el asistente de Nubo');
    await say(page, '¿puedo usar datos en Francia?');
    await bubble(page, 'En la UE usas tu tarifa como en casa.').waitFor();
    const link = page.getByRole('link', { name: 'Roaming en la Unión Europea' });
    expect(await link.getAttribute('href')).toBe(`${base}/help/roaming-ue`);

    const [article] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await article.waitForLoadState();
    expect(article.url()).toBe(`${base}/help/roaming-ue`);
    await expect.poll(() => article.locator('h1').first().textContent()).toContain('Roaming en la Unión Europea');
    await article.close();

    // "Did this help?" comes as buttons; tapping one answers it.
    await page.locator('.webchat__suggested-actions__button', { hasText: 'Sí' }).click();
    await bubble(page, '¡Me alegro!').waitFor();
  }, 60_000);

  it('hands a frustrated customer to a person, whose reply then appears in the chat', async () => {
    // Web Chat's Markdown turns straight apostrophes into typographic ones, hence texts without them.
    const page = await openChat('en-US', 'Tell me what you need');
    await say(page, 'this is ridiculous!!! I have been waiting for an hour, useless bot, nothing works');
    await bubble(page, 'passing you to a person on the team').waitFor();
    const [handoff] = server.runtime.bot.desk.queue();
    expect(handoff).toMatchObject({ channel: 'directline', locale: 'en', reason: 'frustration' });
    expect(handoff!.conversationId).toMatch(/^directline:/);

    await server.runtime.bot.desk.claim(handoff!.id, 'ana');
    await server.runtime.bot.desk.reply(handoff!.id, 'ana', 'Hi, this is Ana. I can see your case.');
    await bubble(page, 'Hi, this is Ana. I can see your case.').waitFor({ timeout: 10_000 });

    // A reload continues the same conversation (its token is kept in the tab), history included.
    await page.reload();
    await bubble(page, 'Hi, this is Ana. I can see your case.').waitFor({ timeout: 20_000 });
    expect(server.runtime.bot.desk.queue()).toHaveLength(1);
  }, 60_000);

  it('opens from the embed snippet on another site, in a frame that site may show', async () => {
    const { page, problems } = await customerBrowser('es-ES');
    await page.goto(siteOrigin);
    await page.getByRole('button', { name: '¿Te ayudamos?' }).click();
    const chat = page.frameLocator('iframe');
    await chat.locator('.webchat__bubble__content').filter({ hasText: 'Hola, soy el asistente de Nubo' }).last().waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cerrar el chat' }).click();
    expect(await page.locator('iframe').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});
