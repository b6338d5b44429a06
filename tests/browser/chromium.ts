import { existsSync } from 'node:fs';

/**
 * Headless Chromium from the system's packages (Debian's `chromium`), driven by playwright-core. Without it the
 * browser tests skip with one line, except in CI (`CI=true`), where they must run.
 */
export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .find((candidate): candidate is string => Boolean(candidate && existsSync(candidate)));

const playwright = await import('playwright-core').catch(() => undefined);

export const browserTestsRun = Boolean(CHROMIUM && playwright);

/** Says why the browser tests do not run, or fails when they must (CI). Call it once per browser test file. */
export function requireBrowserOrSkip(what: string): void {
  if (browserTestsRun) return;
  if (process.env.CI === 'true') throw new Error(`${what}: CI=true needs Chromium (apt-get install chromium) and playwright-core`);
  console.log(`${what} skipped: no Chromium on this machine (apt-get install chromium)`);
}

/** Flags that keep a headless Chromium from reaching the network on its own (updates, sync, first-run pages). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launchChromium(): Promise<import('playwright-core').Browser> {
  return playwright!.chromium.launch({ executablePath: CHROMIUM!, headless: true, args: FLAGS });
}
