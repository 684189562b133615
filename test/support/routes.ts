import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { REGISTERED_ROUTES } from './test-app.js';

/** A JSON schema as @nestjs/swagger writes it (the subset the suites read). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
}

export interface RouteParam {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface RouteInfo {
  method: string;
  /** Full OpenAPI path, e.g. `/api/v1/patients/{patientId}`. */
  path: string;
  /** The matrix key: method and path without the API prefix, e.g. `GET /patients/{patientId}` (`ALL` for `@All` handlers). */
  key: string;
  params: RouteParam[];
  body?: Schema;
  security: string[];
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: RouteParam[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        security?: Array<Record<string, string[]>>;
      }
    >
  >;
  components: { schemas?: Record<string, Schema> };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Resolves `$ref`s and `allOf` into one self-contained schema. */
export function resolveSchema(
  schema: Schema | undefined,
  doc: OpenApiDocument,
  depth = 0,
): Schema | undefined {
  if (!schema || depth > 8) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(doc.components.schemas?.[name], doc, depth + 1);
  }
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((s) => resolveSchema(s, doc, depth + 1) ?? {});
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  const out: Schema = { ...schema };
  if (schema.items) out.items = resolveSchema(schema.items, doc, depth + 1);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolveSchema(v, doc, depth + 1) ?? {}]),
    );
  }
  return out;
}

export const toKey = (method: string, path: string, prefix = '/api/v1') =>
  `${method.toUpperCase()} ${path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path}`;

/**
 * Every route the running application registers, recorded by Fastify's onRoute hook in
 * test-app.ts (so a route left out of the OpenAPI document is still found), joined with its
 * OpenAPI description. Wildcards are named as in Nest's paths: `*path`, and `{*any}` for the web app's `/*`.
 */
export async function discoverRoutes(
  app: INestApplication,
): Promise<{ routes: RouteInfo[]; undocumented: string[]; doc: OpenApiDocument }> {
  const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
  const doc = res.body as OpenApiDocument;

  const registered = new Map<string, { method: string; path: string }>();
  for (const route of REGISTERED_ROUTES.get(app) ?? []) {
    // HEAD routes Fastify adds to every GET, and the CORS preflight, are not routes of ours.
    const methods = route.methods.filter(
      (m) => m !== 'HEAD' && !(m === 'OPTIONS' && route.url.endsWith('*')),
    );
    if (!methods.length) continue;
    const path =
      route.url === '/*' ? '{*any}' : route.url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/*path');
    // A handler for every method (`@All`) is one route: method ALL.
    for (const method of methods.length > 5 ? ['ALL'] : methods)
      registered.set(`${method} ${path}`, { method, path });
  }

  const routes: RouteInfo[] = [];
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!HTTP_METHODS.includes(method)) continue;
      documented.add(`${method.toUpperCase()} ${path}`);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: method.toUpperCase(),
        path,
        key: toKey(method, path),
        params: (op.parameters ?? []).map((p) => ({
          ...p,
          schema: resolveSchema(p.schema, doc) ?? { type: 'string' },
        })),
        body: resolveSchema(schema, doc),
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
      });
    }
  }
  // Routes the application serves but the OpenAPI document leaves out (Swagger's own pages are
  // served outside the API): still routes, so the matrix must cover them; requested with GET.
  const undocumented: string[] = [];
  for (const [key, { method, path }] of registered) {
    if (documented.has(key) || /^\/docs/.test(path)) continue;
    undocumented.push(toKey(method, path));
    routes.push({ method, path, key: toKey(method, path), params: [], security: [] });
  }
  return { routes: routes.sort((a, b) => a.key.localeCompare(b.key)), undocumented, doc };
}

/** Fills `{name}` placeholders of a path; a wildcard `{*name}` (or `*name`) gets a page path when no value is given. */
export function fillPath(path: string, values: Record<string, string>): string {
  const filled = path
    .replace(
      /\{\*(\w+)\}|(?<=\/)\*(\w+)$/g,
      (_, a: string | undefined, b: string | undefined) => values[(a ?? b)!] ?? 'some/page',
    )
    .replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(values[name] ?? ''));
  return filled.startsWith('/') ? filled : `/${filled}`;
}

/**
 * Percent-encodes a path segment. Values starting with `RAW:` go as they are (broken escapes on
 * purpose); lone surrogates, which encodeURIComponent refuses, go as the UTF-8 bytes Node makes.
 */
export function encodeSegment(value: string): string {
  if (value.startsWith('RAW:')) return value.slice(4);
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')]
      .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
      .join('');
  }
}
