// Debian's Chromium, headless, driven over the DevTools protocol by puppeteer-core (which never
// downloads a browser). Every launch gets a fresh profile directory, removed on close.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';

export const CHROMIUM = process.env.MODELSHELF_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Undefined when Chromium is there, else why not (for skipUnless). */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed`;
}

export interface HeadlessChromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<HeadlessChromium> {
  const { launch } = await import('puppeteer-core');
  const profile = await mkdtemp(join(tmpdir(), 'modelshelf-chromium-'));
  const browser = await launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      const pid = browser.process()?.pid;
      await browser.close().catch(() => {
        if (pid) process.kill(pid, 'SIGKILL');
      });
      await rm(profile, { recursive: true, force: true });
    },
  };
}
