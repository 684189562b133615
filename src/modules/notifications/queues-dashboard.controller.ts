import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken, InjectQueue } from '@nestjs/bull';
import { All, Controller, HttpException, Req, Res, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Queue } from 'bull';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type InjectOptions,
} from 'fastify';
import { StaffOnly } from '../../common/auth/auth.decorators.js';
import { QUEUES } from '../../common/queue/queues.js';
import { notFound } from '../../common/errors/problem.js';
import { ProblemFilter, sendProblem } from '../../common/errors/problem.filter.js';
import { API_PREFIX } from '../../common/http/api-prefix.js';

const PROBLEMS = new ProblemFilter();

export const QUEUES_DASHBOARD_PATH = `/${API_PREFIX}/staff/queues`;

/** Headers of the dashboard's answers that are the outer server's business. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/**
 * The Bull dashboard (@bull-board) for staff: every request goes through the global AuthGuard
 * (bearer token of an active staff account; 401/403 problem+json otherwise) and is then handed to
 * bull-board's Fastify plugin, which runs in a Fastify instance of its own (never listening: the
 * request is injected), so nothing of it is reachable without the guard. Read-only: adding,
 * retrying, promoting, cleaning or emptying jobs would be unaudited writes (a job run for any
 * `asOf`); staff run jobs through the audited `POST /staff/jobs/:name/run` and resend emails
 * through `/staff/notifications/:id/retry`.
 */
@ApiExcludeController()
@Controller('staff/queues')
@StaffOnly()
export class QueuesDashboardController implements OnModuleDestroy {
  private readonly board: FastifyInstance;

  constructor(@InjectQueue(QUEUES.notifications) notifications: Queue, moduleRef: ModuleRef) {
    const adapter = new FastifyAdapter();
    adapter.setBasePath(QUEUES_DASHBOARD_PATH);
    const readOnly = { readOnlyMode: true };
    const queues = [new BullAdapter(notifications, readOnly)];
    // The scheduled-jobs queue belongs to the jobs module; shown too when that module is loaded.
    try {
      queues.push(
        new BullAdapter(moduleRef.get<Queue>(getQueueToken(QUEUES.jobs), { strict: false }), readOnly),
      );
    } catch {
      /* not loaded */
    }
    createBullBoard({
      queues,
      // @bull-board/fastify 9.10.1 bundles its own @bull-board/api 9.10.1 (ours is 9.10.2): same shape, separate declarations.
      serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'MyPatients queues' } },
    });
    this.board = Fastify();
    void this.board.register(adapter.registerPlugin(), { prefix: QUEUES_DASHBOARD_PATH });
  }

  @All(['', '*'])
  async serve(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !['authorization', 'cookie', 'content-length', 'host'].includes(name),
      ),
    ) as InjectOptions['headers'];
    const answer = await this.board.inject({
      method: req.method as InjectOptions['method'],
      url: req.url,
      headers,
      ...(req.body === undefined ? {} : { payload: JSON.stringify(req.body) }),
    });
    // What bull-board does not serve, refuses or fails on is answered like every other route: problem+json.
    if (answer.statusCode >= 400) {
      const q = req.url.indexOf('?');
      const path = q === -1 ? req.url : req.url.slice(0, q);
      const error =
        answer.statusCode === 404
          ? notFound(`No dashboard page ${req.method} ${path}.`)
          : answer.statusCode < 500
            ? new HttpException('The dashboard cannot take this request.', answer.statusCode)
            : new Error(`dashboard answered ${answer.statusCode}`);
      const { body, headers: extra } = PROBLEMS.toProblem(error, req);
      sendProblem(res, body, extra);
      return;
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) void res.header(name, value);
    }
    await res.code(answer.statusCode).send(answer.rawPayload);
  }

  async onModuleDestroy(): Promise<void> {
    await this.board.close();
  }
}
