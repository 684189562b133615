import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ExpressLoader, type ServeStaticModuleOptions } from '@nestjs/serve-static';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * Paths that never fall back to the web app: the API (unmatched `/api/*` stays a 404 problem+json
 * from the global filter), the OpenAPI document (`/docs`, `/docs/*`, `/docs-json`) and the build's
 * assets (a missing `/assets/x.js` is a 404, not index.html served as JavaScript).
 */
export const NOT_WEB_APP = /^\/(?:api|docs|assets)(?:[/?-]|$)/;

/** Cache policy: hashed assets forever, everything else (index.html above all) revalidated. */
export function setWebHeaders(res: Response, path: string): void {
  if (/[\\/]assets[\\/]/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  else res.setHeader('Cache-Control', 'no-cache');
}

export function webAppOptions(config: AppConfig): ServeStaticModuleOptions {
  return {
    rootPath: config.webDistDir,
    exclude: NOT_WEB_APP,
    serveStaticOptions: { index: false, fallthrough: true, setHeaders: setWebHeaders },
  };
}

/**
 * The web portal (web/, built by `npm run web:build` into `config.webDistDir`): static files at `/`
 * and `index.html` for every other GET/HEAD outside `/api`, `/docs` and `/assets`, so emailed links
 * (`${PORTAL_URL}/<action>?token=`) and reloads of client-side routes open the app.
 *
 * It registers @nestjs/serve-static's Express loader itself, at module init: `ServeStaticModule`
 * picks its loader when its providers are built, which in `Test.createTestingModule` is before
 * the HTTP adapter exists (it would then serve nothing in e2e tests). Module init runs after the
 * API routes are registered, so they take precedence; the 404 handler comes after.
 */
@Module({})
export class WebAppModule implements OnModuleInit {
  private readonly logger = new Logger(WebAppModule.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly applicationConfig: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    if (!existsSync(join(this.config.webDistDir, 'index.html'))) {
      this.logger.warn(
        `web app not built (${this.config.webDistDir}/index.html missing): run "npm run web:build"`,
      );
    }
    new ExpressLoader().register(adapter, this.applicationConfig, [webAppOptions(this.config)]);
  }
}
