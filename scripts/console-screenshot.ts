/**
 * `npm run console:screenshot`: a 1280×800 PNG of the operator console of a running gateway
 * (`npm run demo` in another terminal), taken with Debian's chromium (CHROMIUM_PATH for
 * another) through puppeteer-core, after the page has refreshed `--wait` seconds.
 *   npm run console:screenshot -- --url http://127.0.0.1:15020/console --out docs/console.png
 * `--token T` types the admin token into the page's prompt when the gateway asks for one.
 */
import puppeteer from 'puppeteer-core';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const url = arg('url', 'http://127.0.0.1:15020/console');
  const out = arg('out', 'docs/console.png');
  const token = arg('token', '');
  const waitMs = Number(arg('wait', '5')) * 1000;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(url);
    if (token) {
      await page.waitForSelector('#auth', { visible: true });
      await page.type('#token', token);
      await page.click('#auth button[type=submit]');
    }
    await page.waitForFunction("document.getElementById('state').textContent !== '–'");
    await new Promise((r) => setTimeout(r, waitMs));
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
