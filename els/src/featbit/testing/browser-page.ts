// Test helper for browser tests: a tiny HTTP server (its own origin, so SDK calls to ELS are
// cross-origin as in production) serving a page and scripts, and Chromium through playwright-core.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath } from '@vane/scripts/rig';

/** A file the page server serves. */
export interface PageFile {
  readonly type: string;
  readonly body: string | Buffer;
}

/** A running page server and a Chromium page on it. */
export interface BrowserPage {
  readonly page: Page;
  readonly origin: string;
  /** Messages the page logged (for diagnosing failures). */
  readonly console: string[];
  close(): Promise<void>;
}

/** Serves `files` (path → file) on 127.0.0.1:0, launches Chromium and opens `/`. */
export async function openBrowserPage(files: Record<string, PageFile>): Promise<BrowserPage> {
  const server = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0] ?? '/'];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    const page = await browser.newPage();
    const logged: string[] = [];
    page.on('console', (m) => logged.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logged.push(`pageerror: ${e.message}`));
    await page.goto(`${origin}/`);
    const opened = browser;
    return {
      page,
      origin,
      console: logged,
      close: async () => {
        await opened.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
