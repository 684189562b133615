import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CookieSerializeOptions } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { badRequest, problem, unauthenticated } from '../../../common/errors/problem.js';
import { randomToken, secretsEqual, sha256Hex } from '../../../common/crypto/tokens.js';
import { REDIS } from '../../../common/redis/redis.module.js';
import { AuditService } from '../../audit/index.js';
import type { SignedIn } from '../sign-in.service.js';
import { SsoSignInService } from '../sso-sign-in.service.js';
import { AuthThrottle } from '../auth-throttle.service.js';
import { authenticationContextRefusal } from './sso-assurance.js';

export const SSO_STATE_TTL_SECONDS = 600;
/** The one-time code the callback hands the portal (`${PORTAL_URL}/sso?code=`), exchanged within a minute. */
export const SSO_CODE_TTL_SECONDS = 60;
/** The cookie that binds a pending login to the browser that started it. */
export const SSO_COOKIE = 'mp_sso';
const SSO_COOKIE_PATH = '/api/v1/auth/sso';

interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser's binding cookie. */
  binding: string;
}

export interface SsoStart {
  url: string;
  /** The binding cookie's value, set by the controller with `cookieOptions()`. */
  binding: string;
}

/**
 * Hospital SSO: OpenID Connect authorization-code flow with PKCE, state and nonce against
 * OIDC_ISSUER. The pending login (verifier, nonce, hash of a browser-binding cookie) is kept in
 * Redis under its state for 10 minutes and spent once, only by the browser holding the cookie
 * (HttpOnly, SameSite=Lax: the IdP's redirect back is a cross-site top-level GET). The ID token must
 * carry the configured `acr`/`amr` (the hospital did the second factor). The callback hands the
 * portal a one-time code (stored hashed, 60 s) instead of tokens in a GET answer; the portal
 * exchanges it with POST /auth/sso/exchange. The account is found by the configured claim (default `sub`).
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

  private codeKey(code: string): string {
    return `${this.config.redisPrefix}:sso:code:${sha256Hex(code)}`;
  }

  /** The binding cookie: HttpOnly, SameSite=Lax, only on the SSO routes, as long as the state lives. */
  cookieOptions(): CookieSerializeOptions {
    return {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.nodeEnv === 'production',
      path: SSO_COOKIE_PATH,
      maxAge: SSO_STATE_TTL_SECONDS,
    };
  }

  clearCookieOptions(): CookieSerializeOptions {
    const { maxAge: _maxAge, ...options } = this.cookieOptions();
    return options;
  }

  private client(): Promise<oidc.Configuration> {
    const settings = this.assertEnabled();
    if (!this.configuration) {
      const issuer = new URL(settings.issuer);
      const insecure = issuer.protocol === 'http:' && this.config.nodeEnv !== 'production';
      this.configuration = oidc
        .discovery(
          issuer,
          settings.clientId,
          settings.clientSecret,
          undefined,
          insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          this.configuration = undefined; // try again on the next request
          this.logger.warn(`OIDC discovery failed: ${(error as Error).message}`);
          throw problem('sso_unavailable');
        });
    }
    return this.configuration;
  }

  /** The URL of the identity provider's authorization endpoint for a new login, and the browser's binding. */
  async start(ip: string): Promise<SsoStart> {
    await this.throttle.ip(ip);
    const settings = this.assertEnabled();
    const client = await this.client();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const binding = randomToken(32);
    const pending: PendingLogin = { codeVerifier, nonce, binding: sha256Hex(binding) };
    await this.redis.set(this.stateKey(state), JSON.stringify(pending), 'EX', SSO_STATE_TTL_SECONDS);
    const parameters: Record<string, string> = {
      redirect_uri: settings.redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (settings.requiredAcr.length) parameters.acr_values = settings.requiredAcr.join(' ');
    return { url: oidc.buildAuthorizationUrl(client, parameters).toString(), binding };
  }

  /**
   * Completes the flow from the callback's query string and the browser's binding cookie; gives the
   * portal URL carrying the one-time code. A callback from another browser (no or another cookie)
   * is `sso_state_invalid` and leaves the state for its own browser.
   */
  async finish(query: Record<string, unknown>, binding: string | undefined, ip: string): Promise<string> {
    await this.throttle.ip(ip);
    const settings = this.assertEnabled();
    const client = await this.client();
    const state = typeof query.state === 'string' ? query.state : '';
    if (!state || state.length > 200)
      throw badRequest('sso_state_invalid', 'The sign-in request is missing its state; start again.');
    const raw = await this.redis.get(this.stateKey(state));
    if (!raw)
      throw badRequest(
        'sso_state_invalid',
        'This sign-in has expired or was already completed; start again.',
      );
    const pending = JSON.parse(raw) as PendingLogin;
    if (!binding || !secretsEqual(sha256Hex(binding), pending.binding)) {
      await this.fail('other_browser', ip);
      throw badRequest('sso_state_invalid', 'This sign-in was started in another browser; start again here.');
    }
    if (!(await this.redis.getdel(this.stateKey(state))))
      throw badRequest('sso_state_invalid', 'This sign-in was already completed; start again.');

    const callbackUrl = new URL(settings.redirectUri);
    for (const [key, value] of Object.entries(query)) {
      if (typeof value === 'string') callbackUrl.searchParams.set(key, value);
    }
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      await this.fail((error as Error).message.slice(0, 200), ip);
      throw unauthenticated('The hospital sign-in did not complete. Start again.', 'sso_failed');
    }
    const assurance = authenticationContextRefusal(claims, settings);
    if (assurance) {
      await this.fail(assurance, ip);
      throw unauthenticated(
        'The hospital sign-in did not use the required second factor. Start again.',
        'sso_failed',
      );
    }
    const hospitalId = claims?.[settings.hospitalIdClaim ?? 'sub'];
    if (typeof hospitalId !== 'string' || !hospitalId) {
      await this.fail('missing_claim', ip);
      throw unauthenticated('The hospital identity did not include an identifier.', 'sso_failed');
    }
    await this.ssoSignIn.admit(hospitalId, ip);
    const code = randomToken(32);
    await this.redis.set(this.codeKey(code), hospitalId, 'EX', SSO_CODE_TTL_SECONDS);
    return `${this.config.portalUrl}/sso?code=${encodeURIComponent(code)}`;
  }

  /** POST /auth/sso/exchange: the callback's one-time code for the session (as /auth/mfa); spent once. */
  async exchange(code: string, ip: string): Promise<SignedIn> {
    await this.throttle.ip(ip);
    this.assertEnabled();
    const hospitalId = await this.redis.getdel(this.codeKey(code));
    if (!hospitalId)
      throw badRequest(
        'invalid_token',
        'This sign-in code is not valid: it has expired or has already been used. Start again.',
      );
    return this.ssoSignIn.signIn(hospitalId, ip);
  }

  private async fail(reason: string, ip: string): Promise<void> {
    await this.audit.record({
      actorId: null,
      actorKind: 'anonymous',
      action: 'auth.sso',
      outcome: 'failure',
      details: { reason, ip },
    });
  }
}
