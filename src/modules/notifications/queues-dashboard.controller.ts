import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken, InjectQueue } from '@nestjs/bull';
import { All, Controller, Next, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { StaffOnly } from '../../common/auth/auth.decorators.js';
import { QUEUES } from '../../common/queue/queues.js';
import { notFound } from '../../common/errors/problem.js';
import { ProblemFilter } from '../../common/errors/problem.filter.js';
import { API_PREFIX } from '../../configure-app.js';

const PROBLEMS = new ProblemFilter();

export const QUEUES_DASHBOARD_PATH = `/${API_PREFIX}/staff/queues`;

/**
 * The Bull dashboard (@bull-board) for staff: every request goes through the global AuthGuard
 * (bearer token of an active staff account; 401/403 problem+json otherwise) and is then handed to
 * bull-board's Express router with the mount path stripped. Read-only: adding, retrying, promoting,
 * cleaning or emptying jobs would be unaudited writes (a job run for any `asOf`); staff run jobs
 * through the audited `POST /staff/jobs/:name/run` and resend emails through `/staff/notifications/:id/retry`.
 */
@ApiExcludeController()
@Controller('staff/queues')
@StaffOnly()
export class QueuesDashboardController {
  private readonly router: (req: Request, res: Response, next: NextFunction) => void;

  constructor(@InjectQueue(QUEUES.notifications) notifications: Queue, moduleRef: ModuleRef) {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUES_DASHBOARD_PATH);
    const readOnly = { readOnlyMode: true };
    const queues = [new BullAdapter(notifications, readOnly)];
    // The scheduled-jobs queue belongs to the jobs module; shown too when that module is loaded.
    try {
      queues.push(new BullAdapter(moduleRef.get<Queue>(getQueueToken(QUEUES.jobs), { strict: false }), readOnly));
    } catch {
      /* not loaded */
    }
    createBullBoard({
      queues,
      // @bull-board/express 9.10.1 bundles its own @bull-board/api 9.10.1 (ours is 9.10.2): same shape, separate declarations.
      serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'MyPatients queues' } },
    });
    this.router = adapter.getRouter();
  }

  @All(['', '*path'])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    req.url = req.url.slice(QUEUES_DASHBOARD_PATH.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    req.baseUrl = QUEUES_DASHBOARD_PATH;
    // What bull-board does not serve (or fails on) is answered like every other route: problem+json,
    // not Express's HTML "Cannot GET" page.
    this.router(req, res, (err?: unknown) => {
      if (res.headersSent) return next(err);
      const { body, headers } = PROBLEMS.toProblem(err ?? notFound(`No dashboard page ${req.method} ${req.baseUrl}${req.path}.`), req);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    });
  }
}
