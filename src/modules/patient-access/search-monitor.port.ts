import { Inject, Injectable, Logger } from '@nestjs/common';
import { type LimitRule, RateLimiterService } from '../../common/http/rate-limiter.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * Patient search per account: at least 60 a minute allowed (API.md v1.1 "Patients and requests"),
 * the 61st within the minute is 429 `rate_limited`. Per account, because a practice's users share
 * one NAT address. `SEARCH_RATE_PER_MINUTE` raises the limit (never below 60), e.g. for the benchmark.
 */
export const SEARCHES_PER_ACCOUNT: LimitRule = {
  name: 'patient-search-user',
  points: 60,
  durationSeconds: 60,
};

/** What a search showed one account, for the modules that watch searching (no patient data). */
export interface SearchObserved {
  user: { id: string; kind: string };
  /** Matches returned. */
  matches: number;
  /** Matches the caller may not view (`not_authorized`); each is a `patient.search` entry with outcome `denied`. */
  denied: number;
}

/**
 * Told after every patient search, once its audit entries are written. The privacy module
 * implements it (the unusual-search alert); it depends on patient-access, not the other way round,
 * so it registers itself with `SearchMonitor.register` (e.g. in `onModuleInit`).
 */
export interface SearchObserver {
  searched(event: SearchObserved): Promise<void>;
}

/** Search's throttle and its observers (none until a watching module registers). */
@Injectable()
export class SearchMonitor {
  private readonly logger = new Logger('SearchMonitor');
  private readonly observers: SearchObserver[] = [];
  private readonly rule: LimitRule;

  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rule = { ...SEARCHES_PER_ACCOUNT, points: config.searchesPerAccountPerMinute };
  }

  register(observer: SearchObserver): void {
    if (!this.observers.includes(observer)) this.observers.push(observer);
  }

  /** Counts one search for the account; throws 429 `rate_limited` (with Retry-After) over the limit. */
  admit(user: { id: string }): Promise<void> {
    return this.limiter.consume(this.rule, user.id);
  }

  /**
   * Tells the observers. A failing observer is logged, not passed on: the search itself has
   * happened and is audited, and the rules can be re-run from the trail.
   */
  async searched(event: SearchObserved): Promise<void> {
    for (const observer of this.observers) {
      try {
        await observer.searched(event);
      } catch (error) {
        this.logger.error({ err: error, userId: event.user.id }, 'search observer failed');
      }
    }
  }
}
