import { Global, Module } from '@nestjs/common';
import { RateLimiterService } from './http/rate-limiter.service.js';
import { Clock } from './time/clock.js';

@Global()
@Module({
  providers: [Clock, RateLimiterService],
  exports: [Clock, RateLimiterService],
})
export class CommonModule {}
