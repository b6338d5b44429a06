import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleServer, TOKENS } from '../server/console-fixture.js';
import { browserTestsRun, launchChromium, requireBrowserOrSkip } from './chromium.js';

/**
 * The agent's side in a real browser (headless Chromium from the system's packages, driven by playwright-core): a
 * customer writes through the REST chat API, the case appears live in the console, the agent claims it and
 * replies, the customer reads the reply over the REST API, the agent hands back and the customer gets the survey,
 * and the dashboard shows the conversation's outcome. (tests/browser/webchat.test.ts has the customer's side in
 * the web chat.)
 */
requireBrowserOrSkip('agent console browser tests');

describe.runIf(browserTestsRun)('agent console and dashboard in a browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof consoleServer>>;
  let base: string;

  beforeAll(async () => {
    server = await consoleServer();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The customer's side, through the REST chat API. */
  const customer = {
    async open(customerId: string): Promise<string> {
      const response = await fetch(`${base}/api/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId, locale: 'es' }) });
      return ((await response.json()) as { id: string }).id;
    },
    async say(id: string, text: string) {
      const response = await fetch(`${base}/api/conversations/${id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(response.status).toBe(200);
      return (await response.json()) as { decision: string; status: string; replies: { text: string }[] };
    },
    async messages(id: string) {
      const response = await fetch(`${base}/api/conversations/${id}/messages`);
      return ((await response.json()) as { messages: { from?: string; role?: string; text: string }[] }).messages;
    },
    async end(id: string) {
      expect((await fetch(`${base}/api/conversations/${id}/end`, { method: 'POST' })).status).toBe(200);
    },
  };

  async function signIn(page: Page, path: string, token: string) {
    await page.goto(`${base}${path}`);
    await page.fill('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
  }

  const shot = async (page: Page, name: string) => {
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png`, fullPage: true });
  };

  it('an agent sees a new case live, claims it and replies; hands back; the customer gets the reply and the survey; the dashboard counts it', async () => {
    const context = await browser.newContext();
    // The system's notifications, recorded: headless Chromium has no notification centre to show them in.
    await context.addInitScript(() => {
      const shown: { title: string; body?: string }[] = [];
      Object.assign(globalThis, { __notifications: shown });
      Object.defineProperty(globalThis, 'Notification', {
        value: class {
          static permission = 'granted';
          static requestPermission = async () => 'granted';
          constructor(title: string, options?: { body?: string }) { shown.push({ title, ...(options?.body && { body: options.body }) }); }
          addEventListener() { /* clicks are not simulated */ }
        },
      });
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, '/agent', TOKENS.ana);
    await expect.poll(() => page.textContent('#live')).toBe('live');
    expect(await page.isVisible('#queue-empty')).toBe(true);

    // A customer writes: the case appears without a reload, highlighted, and the tab's title says so.
    const hostile = '<img src=x onerror="window.__pwned = 1">';
    const conversation = await customer.open('cust-web');
    const handoff = await customer.say(conversation, `${hostile} ESTO ES UNA VERGÜENZA, quiero hablar con una persona!!!`);
    expect(handoff.decision).toBe('handoff');
    const row = page.locator('#queue tbody tr.case-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('fresh');
    expect(await page.title()).toMatch(/New case/);
    const notifications = await page.evaluate(() => (globalThis as unknown as { __notifications: { title: string; body?: string }[] }).__notifications);
    expect(notifications).toEqual([{ title: expect.stringMatching(/^New case · \d+ (urgent|high|normal|low) · asked$/), body: expect.stringContaining(hostile) }]);
    expect(await row.textContent()).toContain(hostile);
    expect(await row.textContent()).toMatch(/\d+%/);
    await shot(page, 'console-queue');

    // Open it: the transcript shows the customer's words as text, nothing of them runs.
    await row.click();
    await page.waitForSelector('#case:not([hidden])');
    expect(await page.locator('#transcript .message.customer .text').first().textContent()).toContain(hostile);
    expect(await page.locator('#case img, #queue img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.isDisabled('#send')).toBe(true);

    await page.click('#claim');
    await expect.poll(() => page.getAttribute('#case', 'data-status')).toBe('assigned');
    await page.fill('#compose-text', 'Hola, soy Ana. Ya veo tu caso: lo miro ahora mismo.');
    await page.click('#send');
    await expect.poll(() => page.locator('#since .message.agent').count()).toBe(1);
    await shot(page, 'console-case');

    // The customer reads the reply over the REST API; what they write next reaches the console live.
    await expect.poll(async () => (await customer.messages(conversation)).map((m) => m.text).join('\n')).toContain('Hola, soy Ana. Ya veo tu caso');
    await customer.say(conversation, 'gracias, espero');
    await expect.poll(() => page.locator('#since .message.customer').allTextContents()).toEqual([expect.stringContaining('gracias, espero')]);

    // Handed back: the bot asks the survey; the customer answers and leaves.
    await page.click('#return');
    await expect.poll(() => page.getAttribute('#case', 'data-status')).toBe('returned');
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(async () => (await customer.messages(conversation)).map((m) => m.text).join('\n')).toMatch(/del 1 \(muy mal\) al 5 \(muy bien\)/);
    await customer.say(conversation, '5');
    await customer.end(conversation);

    // A lead's dashboard counts the conversation as resolved by an agent, with its CSAT.
    const dashboard = await context.newPage();
    dashboard.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(dashboard, '/dashboard', TOKENS.lead);
    const resolvedByAgent = dashboard.locator('#outcomes-table tr[data-outcome=resolved_by_agent] .n');
    await expect.poll(() => resolvedByAgent.textContent()).toBe('1');
    expect(await dashboard.textContent('#kpi-csat .value')).toBe('5.00');
    expect(await dashboard.locator('#chart-outcomes-daily svg rect').count()).toBeGreaterThan(0);
    await shot(dashboard, 'dashboard');

    // An agent's token does not open the dashboard.
    const other = await browser.newPage();
    await other.goto(`${base}/dashboard`);
    await other.fill('#token', TOKENS.ana);
    await other.click('#login-form button[type=submit]');
    await expect.poll(() => other.textContent('#login-error')).toMatch(/needs a lead/);
    await other.close();

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
