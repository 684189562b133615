import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { StaffRole, UserKind } from './account-vocabulary.js';
import type { ApiKeyScope, AuthUser } from './principal.js';

export const IS_PUBLIC = 'auth:public';
export const ALLOWED_KINDS = 'auth:kinds';
export const API_KEY_SCOPE = 'auth:api-key';
export const ALLOW_LOCKED_SPONSOR = 'auth:allow-locked-sponsor';
export const REQUIRED_ROLES = 'auth:roles';
export const OPTIONAL_AUTH = 'auth:optional';

/** No authentication (registration, sign-in, health). Every other route needs a caller. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * Signed in or not: without an `Authorization` header the route runs with no caller
 * (`@CurrentUser()` is undefined); with one, it is checked as on any other route.
 */
export const OptionalAuth = () => applyDecorators(SetMetadata(OPTIONAL_AUTH, true), ApiBearerAuth());

/** Only these kinds of signed-in user. */
export const Kinds = (...kinds: UserKind[]) =>
  applyDecorators(SetMetadata(ALLOWED_KINDS, kinds), ApiBearerAuth());

/** Staff only; without `@Roles(...)` the route needs the `team` role. */
export const StaffOnly = () => Kinds('staff');

/**
 * The staff roles that may use this route (any one of them suffices), replacing the default `team`
 * of `@StaffOnly()` routes. Checked by the global guard on every request (403 `forbidden`).
 */
export const Roles = (...roles: StaffRole[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Integration route: `X-Api-Key` of this scope only, never a user token. */
export const ApiKeyAuth = (scope: ApiKeyScope) =>
  applyDecorators(SetMetadata(API_KEY_SCOPE, scope), ApiSecurity(scope === 'ehr' ? 'ehr-key' : 'portal-key'));

/** A sponsor locked for `validation_overdue` may still use this route (to complete validation). */
export const AllowLockedSponsor = () => SetMetadata(ALLOW_LOCKED_SPONSOR, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
  return req.user as AuthUser;
});

/** The client's address (Fastify honours `trustProxy` when set, see configure-app's `trustProxySetting`). */
export const ClientIp = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return req.ip || req.socket.remoteAddress || 'unknown';
});
