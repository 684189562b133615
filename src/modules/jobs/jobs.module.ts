import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { QUEUES } from '../../common/queue/queues.js';
import { JobsController } from './jobs.controller.js';
import { JobsProcessor } from './jobs.processor.js';
import { JobsService } from './jobs.service.js';

/** Scheduled jobs: the registry other modules add their handlers to, the queue and the staff route. */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.jobs })],
  controllers: [JobsController],
  providers: [JobsService, JobsProcessor],
  exports: [JobsService],
})
export class JobsModule {}
