import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { badRequest, problem, unauthenticated } from '../../../common/errors/problem.js';
import { REDIS } from '../../../common/redis/redis.module.js';
import { AuditService } from '../../audit/index.js';
import type { SignedIn } from '../sign-in.service.js';
import { SsoSignInService } from '../sso-sign-in.service.js';
import { AuthThrottle } from '../auth-throttle.service.js';

export const SSO_STATE_TTL_SECONDS = 600;

interface PendingLogin {
  codeVerifier: string;
  nonce: string;
}

/**
 * Hospital SSO: OpenID Connect authorization-code flow with PKCE, state and nonce against
 * OIDC_ISSUER. The pending login (verifier, nonce) is kept in Redis under its state for 10
 * minutes and spent once. The account is found by the configured claim (default `sub`) = hospital_id.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('Sso');
  private configuration?: Promise<oidc.Configuration>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly ssoSignIn: SsoSignInService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.oidc);
  }

  private assertEnabled(): NonNullable<AppConfig['oidc']> {
    if (!this.config.oidc) throw problem('sso_not_configured');
    return this.config.oidc;
  }

  private stateKey(state: string): string {
    return `${this.config.redisPrefix}:sso:state:${state}`;
  }

  private client(): Promise<oidc.Configuration> {
    const settings = this.assertEnabled();
    if (!this.configuration) {
      const issuer = new URL(settings.issuer);
      const insecure = issuer.protocol === 'http:' && this.config.nodeEnv !== 'production';
      this.configuration = oidc
        .discovery(issuer, settings.clientId, settings.clientSecret, undefined, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined)
        .catch((error: unknown) => {
          this.configuration = undefined; // try again on the next request
          this.logger.warn(`OIDC discovery failed: ${(error as Error).message}`);
          throw problem('sso_unavailable');
        });
    }
    return this.configuration;
  }

  /** The URL of the identity provider's authorization endpoint for a new login. */
  async start(ip: string): Promise<string> {
    await this.throttle.ip(ip);
    const settings = this.assertEnabled();
    const client = await this.client();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const pending: PendingLogin = { codeVerifier, nonce };
    await this.redis.set(this.stateKey(state), JSON.stringify(pending), 'EX', SSO_STATE_TTL_SECONDS);
    return oidc
      .buildAuthorizationUrl(client, {
        redirect_uri: settings.redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
      .toString();
  }

  /** Completes the flow from the callback's query string; tokens for the linked account. */
  async finish(query: Record<string, unknown>, ip: string): Promise<SignedIn> {
    await this.throttle.ip(ip);
    const settings = this.assertEnabled();
    const client = await this.client();
    const state = typeof query.state === 'string' ? query.state : '';
    if (!state || state.length > 200) throw badRequest('sso_state_invalid', 'The sign-in request is missing its state; start again.');
    const raw = await this.redis.getdel(this.stateKey(state));
    if (!raw) throw badRequest('sso_state_invalid', 'This sign-in has expired or was already completed; start again.');
    const pending = JSON.parse(raw) as PendingLogin;

    const callbackUrl = new URL(settings.redirectUri);
    for (const [key, value] of Object.entries(query)) {
      if (typeof value === 'string') callbackUrl.searchParams.set(key, value);
    }
    let hospitalId: unknown;
    try {
      const tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      hospitalId = tokens.claims()?.[settings.hospitalIdClaim ?? 'sub'];
    } catch (error) {
      await this.audit.record({ actorId: null, actorKind: 'anonymous', action: 'auth.sso', outcome: 'failure', details: { reason: (error as Error).message.slice(0, 200), ip } });
      throw unauthenticated('The hospital sign-in did not complete. Start again.', 'sso_failed');
    }
    if (typeof hospitalId !== 'string' || !hospitalId) {
      await this.audit.record({ actorId: null, actorKind: 'anonymous', action: 'auth.sso', outcome: 'failure', details: { reason: 'missing_claim', ip } });
      throw unauthenticated('The hospital identity did not include an identifier.', 'sso_failed');
    }
    return this.ssoSignIn.signIn(hospitalId, ip);
  }
}
