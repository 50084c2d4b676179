/**
 * Debian's chromium driven by playwright-core, as the tests and the screenshot script use it: never a
 * downloaded browser, headless, a fresh profile per launch, background networking off, and every
 * request the page makes recorded so a test can assert that there were none beyond the file itself.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

export interface OpenedPage {
  page: Page;
  /** URLs of every request the page made (the file itself included). */
  requests: string[];
  close(): Promise<void>;
}

export class HeadlessChromium {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<HeadlessChromium> {
    const profile = mkdtempSync(join(tmpdir(), 'kmod-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
        '--disable-default-apps',
        '--disable-extensions',
      ],
    });
    return new HeadlessChromium(context, profile);
  }

  async open(url: string): Promise<OpenedPage> {
    const page = await this.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    return { page, requests, close: () => page.close() };
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export type { Browser, Page };
