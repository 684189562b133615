/**
 * Routes of the contract (API.md v1.1) that the portal uses but that the server's OpenAPI
 * document (schema.d.ts, generated) does not list yet. Each is typed like a generated path so
 * the client stays checked; `npm run web:client` prints the ones the document now has, and they
 * are then deleted here. The app calls nothing that is in neither file.
 */
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type QueryParams<Q> = { query?: Q; header?: never; path?: never; cookie?: never };
type PathParams<P> = { query?: never; header?: never; path: P; cookie?: never };
type Ok = { 200: { headers: { [name: string]: unknown }; content?: never } };
/** An operation without body: `Op`, `Op<{ id: string }>` (path), `Op<never, { q?: string }>` (query). */
type Op<P = never, Q = never> = {
  parameters: [P] extends [never] ? ([Q] extends [never] ? NoParams : QueryParams<Q>) : PathParams<P>;
  requestBody?: never;
  responses: Ok;
};
/** An operation with a JSON body and no parameters. */
type BodyOp<B> = { parameters: NoParams; requestBody: { content: { 'application/json': B } }; responses: Ok };
type PathItem<Ops> = { parameters: NoParams } & Ops;

// Every contract route the app calls is in the server's document now; add entries here as
// `'/api/v1/…': PathItem<…>` when the app needs a route before the server documents it.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface pendingPaths {}
