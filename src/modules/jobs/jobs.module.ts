import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobRun } from './entities/job-run.entity.js';
import { QUEUES } from '../../common/queue/queues.js';
import { AuditModule } from '../audit/index.js';
import { JobsController } from './jobs.controller.js';
import { JobsExplorer } from './jobs.explorer.js';
import { JobsProcessor } from './jobs.processor.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

/**
 * Scheduled jobs: discovers every `@ScheduledJob` method (jobs.explorer.ts), owns their cron, the
 * queue, the advisory-locked runner and the staff route `POST /staff/jobs/:name/run`.
 */
@Module({
  imports: [
    DiscoveryModule,
    AuditModule,
    BullModule.registerQueue({ name: QUEUES.jobs }),
    TypeOrmModule.forFeature([JobRun]),
  ],
  controllers: [JobsController],
  providers: [JobsService, JobsRepository, JobsExplorer, JobsProcessor],
  exports: [JobsService],
})
export class JobsModule {}
