import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import {
  ALLOW_LOCKED_SPONSOR,
  ALLOWED_KINDS,
  API_KEY_SCOPE,
  IS_PUBLIC,
} from '../../../common/auth/auth.decorators.js';
import type { ApiClient, ApiKeyScope, AuthUser } from '../../../common/auth/principal.js';
import { forbidden, ProblemException, unauthenticated } from '../../../common/errors/problem.js';
import { secretsEqual } from '../../../common/crypto/tokens.js';
import type { UserKind } from '../entities/user.entity.js';
import { routeRefusalOf } from '../account-status.policy.js';

/**
 * The global guard: every route needs a signed-in user unless marked @Public() or @ApiKeyAuth().
 * Integration keys work only on their own routes; user tokens never work there.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser; apiClient?: ApiClient }>();
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(API_KEY_SCOPE, targets);
    if (scope) {
      req.apiClient = this.checkApiKey(req, scope);
      return true;
    }

    await super.canActivate(context);
    const user = req.user as AuthUser;
    // The status is already effective: the strategy's query applies the policy's SQL fragment.
    const refusal = routeRefusalOf(user, this.reflector.getAllAndOverride<boolean>(ALLOW_LOCKED_SPONSOR, targets) ?? false);
    if (refusal) throw refusal;
    const kinds = this.reflector.getAllAndOverride<UserKind[] | undefined>(ALLOWED_KINDS, targets);
    if (kinds && !kinds.includes(user.kind)) {
      throw forbidden('forbidden', 'Your account may not use this route.');
    }
    return true;
  }

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err instanceof ProblemException) throw err;
    if (err || !user) throw unauthenticated();
    return user;
  }

  private checkApiKey(req: Request, scope: ApiKeyScope): ApiClient {
    const given = req.header('x-api-key');
    if (!given) throw unauthenticated('An API key is required.');
    const own = scope === 'ehr' ? this.config.ehrApiKey : this.config.portalApiKey;
    const other = scope === 'ehr' ? this.config.portalApiKey : this.config.ehrApiKey;
    if (secretsEqual(given, own)) return { scope };
    if (secretsEqual(given, other)) throw forbidden('forbidden', 'This API key may not use this route.');
    throw unauthenticated('The API key is not valid.');
  }
}
