import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
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

/**
 * The web portal (web/, built by `npm run web:build` into `config.webDistDir`): static files at `/`
 * and `index.html` for every other GET/HEAD outside `/api` and `/docs`, so emailed links
 * (`${PORTAL_URL}/<action>?token=`) and reloads of client-side routes open the app.
 */
@Module({})
export class WebAppModule {
  static register(): DynamicModule {
    return {
      module: WebAppModule,
      imports: [
        ServeStaticModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            if (!existsSync(join(config.webDistDir, 'index.html'))) {
              new Logger('WebAppModule').warn(
                `web app not built (${config.webDistDir}/index.html missing): run "npm run web:build"`,
              );
            }
            return [
              {
                rootPath: config.webDistDir,
                exclude: NOT_WEB_APP,
                serveStaticOptions: { index: false, fallthrough: true, setHeaders: setWebHeaders },
              },
            ];
          },
        }),
      ],
    };
  }
}
