import { Injectable } from '@nestjs/common';
import { type LimitRule, RateLimiterService } from '../../common/http/rate-limiter.service.js';
import { sha256Hex } from '../../common/crypto/tokens.js';

/**
 * Throttling of the sign-in routes. Per account first (tight), per address loose: a practice's
 * users share one NAT address, so an address gets 300 requests a minute on these routes.
 */
export const AUTH_LIMITS = {
  ip: { name: 'auth-ip', points: 300, durationSeconds: 60 },
  loginAccount: { name: 'auth-login-account', points: 10, durationSeconds: 60, blockSeconds: 60 },
  mfaAccount: { name: 'auth-mfa-account', points: 10, durationSeconds: 300 },
  forgotAccount: { name: 'auth-forgot-account', points: 5, durationSeconds: 3600 },
  verifyResend: { name: 'auth-verify-resend', points: 5, durationSeconds: 3600 },
  emailChange: { name: 'auth-email-change', points: 5, durationSeconds: 900 },
  supportUser: { name: 'support-user', points: 10, durationSeconds: 3600 },
  supportEmail: { name: 'support-email', points: 5, durationSeconds: 3600 },
  supportIp: { name: 'support-ip', points: 20, durationSeconds: 3600 },
  practiceSearchIp: { name: 'practice-search-ip', points: 120, durationSeconds: 60 },
} satisfies Record<string, LimitRule>;

@Injectable()
export class AuthThrottle {
  constructor(private readonly limiter: RateLimiterService) {}

  ip(ip: string, rule: LimitRule = AUTH_LIMITS.ip): Promise<void> {
    return this.limiter.consume(rule, ip);
  }

  /** Keys by a hash of the normalised identifier, so Redis holds no email addresses. */
  account(rule: LimitRule, identifier: string): Promise<void> {
    return this.limiter.consume(rule, sha256Hex(identifier.trim().toLowerCase()));
  }
}
