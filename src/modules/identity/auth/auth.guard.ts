import { type CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import {
  ALLOW_LOCKED_SPONSOR,
  ALLOWED_KINDS,
  API_KEY_SCOPE,
  IS_PUBLIC,
  OPTIONAL_AUTH,
  REQUIRED_ROLES,
} from '../../../common/auth/auth.decorators.js';
import type { ApiClient, ApiKeyScope, AuthUser } from '../../../common/auth/principal.js';
import { forbidden, unauthenticated } from '../../../common/errors/problem.js';
import { secretsEqual } from '../../../common/crypto/tokens.js';
import type { StaffRole, UserKind } from '../entities/user.entity.js';
import { routeRefusalOf } from '../account-status.policy.js';
import { IntegrationClientsService } from '../../integration-clients/index.js';
import { requiredRoles, roleRefusal } from '../staff-roles.policy.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/** What a route's decorators say about who may call it. */
interface RouteAuth {
  isPublic: boolean;
  apiKeyScope: ApiKeyScope | undefined;
  optionalAuth: boolean;
  allowLockedSponsor: boolean;
  kinds: UserKind[] | undefined;
  roles: ReturnType<typeof requiredRoles>;
}

/**
 * The global guard: every route needs a signed-in user unless marked @Public() or @ApiKeyAuth().
 * Integration keys work only on their own routes; user tokens never work there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  /** Integration clients (their module's service, looked up app-wide); absent in tests that do not load it. */
  private clients?: IntegrationClientsService | null;

  /** Each route's auth metadata, read once per handler (the decorators never change at run time). */
  private readonly routes = new WeakMap<object, RouteAuth>();

  private routeAuth(context: ExecutionContext): RouteAuth {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      const read = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, targets);
      const kinds = read<UserKind[] | undefined>(ALLOWED_KINDS);
      route = {
        isPublic: read<boolean>(IS_PUBLIC) ?? false,
        apiKeyScope: read<ApiKeyScope | undefined>(API_KEY_SCOPE),
        optionalAuth: read<boolean>(OPTIONAL_AUTH) ?? false,
        allowLockedSponsor: read<boolean>(ALLOW_LOCKED_SPONSOR) ?? false,
        kinds,
        roles: requiredRoles(kinds, read<StaffRole[] | undefined>(REQUIRED_ROLES)),
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.routeAuth(context);
    if (route.isPublic) return true;

    const req = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AuthUser; apiClient?: ApiClient }>();
    if (route.apiKeyScope) {
      req.apiClient = await this.checkApiKey(req, route.apiKeyScope);
      return true;
    }

    // A signed-out help request (API.md v1.1): no header, no caller; a header is checked as usual.
    if (!req.headers.authorization && route.optionalAuth) return true;
    const user = await this.accessTokens.verify(req.headers.authorization);
    req.user = user;
    // The status is already effective: the strategy's query applies the policy's SQL fragment.
    const refusal = routeRefusalOf(user, route.allowLockedSponsor);
    if (refusal) throw refusal;
    if (route.kinds && !route.kinds.includes(user.kind)) {
      throw forbidden('forbidden', 'Your account may not use this route.');
    }
    // Roles come from the same per-request query, so a change applies from the next request.
    const denied = roleRefusal(user, route.roles);
    if (denied) throw denied;
    return true;
  }

  private async checkApiKey(req: FastifyRequest, scope: ApiKeyScope): Promise<ApiClient> {
    const header = req.headers['x-api-key'];
    const given = Array.isArray(header) ? header.join(', ') : header;
    if (!given) throw unauthenticated('An API key is required.');
    if (this.clients === undefined) {
      try {
        this.clients = this.moduleRef.get(IntegrationClientsService, { strict: false });
      } catch {
        this.clients = null;
      }
    }
    const client = await this.clients?.authenticate(given);
    if (client) {
      if (client.system === scope) return { scope, clientId: client.id };
      throw forbidden('forbidden', 'This API key may not use this route.');
    }
    // EHR_API_KEY / PORTAL_API_KEY: a development convenience ('' when unset; production needs ALLOW_ENV_API_KEYS).
    const own = scope === 'ehr' ? this.config.ehrApiKey : this.config.portalApiKey;
    const other = scope === 'ehr' ? this.config.portalApiKey : this.config.ehrApiKey;
    if (own && secretsEqual(given, own)) return { scope };
    if (other && secretsEqual(given, other))
      throw forbidden('forbidden', 'This API key may not use this route.');
    throw unauthenticated('The API key is not valid.');
  }
}
