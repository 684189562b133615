import fastifyStatic from '@fastify/static';
import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * Paths that never fall back to the web app: the API (unmatched `/api/*` stays a 404 problem+json
 * from the global filter), the OpenAPI document (`/docs`, `/docs/*`, `/docs-json`) and the build's
 * assets (a missing `/assets/x.js` is a 404, not index.html served as JavaScript).
 */
export const NOT_WEB_APP = /^\/(?:api|docs|assets)(?:[/?-]|$)/;

/** Cache policy: hashed assets forever, everything else (index.html above all) revalidated. */
export function setWebHeaders(reply: { header(name: string, value: string): unknown }, path: string): void {
  if (/[\\/]assets[\\/]/.test(path)) reply.header('cache-control', 'public, max-age=31536000, immutable');
  else reply.header('cache-control', 'no-cache');
}

/** The file under `root` a request path names, or null (not a file, outside the root, not decodable). */
async function fileOf(root: string, urlPath: string): Promise<string | null> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(urlPath)).replace(/^[/\\]+/, '');
  } catch {
    return null;
  }
  if (!relative || relative.includes('\0') || relative.split(/[/\\]/).includes('..')) return null;
  try {
    return (await stat(join(root, relative))).isFile() ? relative.split(sep).join('/') : null;
  } catch {
    return null;
  }
}

/**
 * The web portal (web/, built by `npm run web:build` into `config.webDistDir`): static files at `/`
 * and `index.html` for every other GET/HEAD outside `/api`, `/docs` and `/assets`, so emailed links
 * (`${PORTAL_URL}/<action>?token=`) and reloads of client-side routes open the app.
 *
 * One wildcard route `GET /*` (HEAD too) with @fastify/static's `sendFile`, registered at module
 * init: the API's routes are more specific, so they take precedence, and what is neither a file nor
 * the app goes to Nest's 404 handler (`callNotFound`), problem+json.
 */
@Module({})
export class WebAppModule implements OnModuleInit {
  private readonly logger = new Logger(WebAppModule.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const root = this.config.webDistDir;
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn(`web app not built (${root}/index.html missing): run "npm run web:build"`);
    }
    const fastify = adapter.getInstance<FastifyInstance>();
    void fastify.register(fastifyStatic, { root, serve: false, index: false, setHeaders: setWebHeaders });
    fastify.get('/*', async (req: FastifyRequest, reply: FastifyReply) => {
      const q = req.url.indexOf('?');
      const path = q === -1 ? req.url : req.url.slice(0, q);
      const file = await fileOf(root, path);
      if (file) return reply.sendFile(file);
      if (NOT_WEB_APP.test(path) || !existsSync(join(root, 'index.html'))) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }
}
