import { createHash } from 'node:crypto';
import {
  Controller,
  Get,
  Global,
  INestApplication,
  MiddlewareConsumer,
  Module,
  RequestMethod,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { AdminTokenMiddleware } from '../admin/admin-token.middleware';
import { securityConfig } from '../config/config-namespaces';
import { AppConfig } from '../config/config.schema';
import { consoleRefusal } from './console-access';
import { ConsolePage } from './console-page';
import { ConsoleModule } from './console.module';

const TOKEN = 'unit-token';
const config = { security: { adminToken: TOKEN } } as AppConfig;

@Controller('state')
class StateStub {
  @Get()
  state() {
    return { state: 'RUNNING' };
  }
}

/** the app's config namespaces are global too (AppConfigModule) */
@Global()
@Module({
  providers: [{ provide: securityConfig.KEY, useValue: config.security }],
  exports: [securityConfig.KEY],
})
class TestConfig {}

/** The console behind the real admin guard with `security.admin-token` set, as in AdminModule. */
@Module({
  imports: [TestConfig, ConsoleModule],
  controllers: [StateStub],
})
class GuardedConsole {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AdminTokenMiddleware)
      .exclude({ path: 'console', method: RequestMethod.GET })
      .forRoutes({ path: '*splat', method: RequestMethod.ALL });
  }
}

describe('ConsoleController', () => {
  let app: INestApplication;
  let base: string;
  const get = (path: string, token?: string) =>
    fetch(base + path, {
      redirect: 'manual',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [GuardedConsole] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  it('serves the page with the token, as HTML that may not load anything from elsewhere', async () => {
    const res = await get('/console', TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).toBe(new ConsolePage().html);
  });

  it('answers a request without the token with the guard 401 and the page as its body', async () => {
    const res = await get('/console');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.text()).toContain('<title>insupclient console</title>');
  });

  it('leaves every other refusal as it was', async () => {
    const res = await get('/state');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await get('/state', TOKEN)).status).toBe(200);
  });

  it('answers a wrong token like the guard, and a POST to /console as the guard does', async () => {
    expect((await get('/console', 'wrong')).status).toBe(401);
    const post = await fetch(base + '/console', { method: 'POST' });
    expect(post.status).toBe(401);
    expect(post.headers.get('content-type')).toContain('application/json');
  });

  it('redirects / to the console, relative so that a path prefix is kept, token or not', async () => {
    for (const token of [TOKEN, undefined]) {
      const res = await get('/', token);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('console');
    }
    expect((await get('/?x=1')).status).toBe(302);
  });
});

describe('ConsolePage', () => {
  const page = new ConsolePage();
  const inline = (tag: string) =>
    [...page.html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
  const hash = (text: string) => createHash('sha256').update(text).digest('base64');

  it('allows exactly its own inline script and style', () => {
    const [script] = inline('script');
    const [style] = inline('style');
    expect(page.contentSecurityPolicy).toContain(`script-src 'sha256-${hash(script)}';`);
    expect(page.contentSecurityPolicy).toContain(`style-src 'sha256-${hash(style)}';`);
  });

  it('refers to nothing outside the gateway', () => {
    expect(page.html).not.toMatch(/\s(src|href)="(?!data:)/);
    expect(page.html).not.toMatch(/@import|url\(/);
  });
});

describe('consoleRefusal', () => {
  const req = (authorization?: string, remoteAddress = '127.0.0.1') =>
    ({
      path: '/console',
      method: 'GET',
      headers: authorization ? { authorization } : {},
      socket: { remoteAddress },
    }) as unknown as Request;

  it("is the admin guard's own answer: nothing with the token, its status and challenge without", () => {
    expect(consoleRefusal(config, req(`Bearer ${TOKEN}`))).toBeNull();
    expect(consoleRefusal(config, req())).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    const open = { security: { adminToken: '' } } as AppConfig;
    expect(consoleRefusal(open, req())).toBeNull();
  });

  it('without a token configured, refuses a non-loopback peer with 403 (no token would help)', () => {
    const open = { security: { adminToken: '' } } as AppConfig;
    expect(consoleRefusal(open, req(undefined, '10.0.0.7'))).toEqual({ status: 403, headers: {} });
  });
});
