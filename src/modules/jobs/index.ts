/** What other modules may use of scheduled jobs: declare one with `@ScheduledJob` on a provider method. */
export { JobsModule } from './jobs.module.js';
export { JobsService, type JobRunResult } from './jobs.service.js';
export {
  ScheduledJob,
  cronRunsOn,
  declaredScheduledJobs,
  type DeclaredScheduledJob,
  type ScheduledJobOptions,
} from './scheduled-job.decorator.js';
export { SCHEDULED_JOB_NAMES, type ScheduledJobName } from '../../common/queue/queues.js';
