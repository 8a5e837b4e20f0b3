import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** the console's route; `GET /` redirects to it, relative so that a proxy's path prefix is kept. */
export const CONSOLE_PATH = 'console';

/** console.html sits next to this file: in src/ for the unit specs, copied to dist/ by nest-cli.json. */
export const CONSOLE_HTML_PATH = join(__dirname, 'console.html');

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The inline blocks of `html` whose hashes the Content-Security-Policy allows. */
function inlineHashes(html: string, tag: 'script' | 'style'): string {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...html.matchAll(re)].map((m) => sha256(m[1])).join(' ');
}

/**
 * The operator console (operations spec section 9): one HTML file, its CSS and script inline.
 * Its Content-Security-Policy lets the browser run only those inline blocks and talk only to
 * the gateway itself: nothing can be loaded from elsewhere, and no other page may frame it
 * (its buttons change the service).
 */
export class ConsolePage {
  readonly html: string;
  readonly contentSecurityPolicy: string;

  constructor(html = readFileSync(CONSOLE_HTML_PATH, 'utf8')) {
    this.html = html;
    this.contentSecurityPolicy = [
      "default-src 'none'",
      `script-src ${inlineHashes(html, 'script')}`,
      `style-src ${inlineHashes(html, 'style')}`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }

  headers(): Record<string, string> {
    return {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': this.contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
    };
  }
}
