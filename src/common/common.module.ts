import { Global, Module } from '@nestjs/common';
import { RateLimiterService } from './http/rate-limiter.service.js';
import { BusinessCalendar } from './time/business-calendar.js';
import { Clock } from './time/clock.js';

@Global()
@Module({
  providers: [Clock, RateLimiterService, BusinessCalendar],
  exports: [Clock, RateLimiterService, BusinessCalendar],
})
export class CommonModule {}
