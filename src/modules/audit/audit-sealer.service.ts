import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { appendCheckpoint, newest, readCheckpoints } from './audit-checkpoints.js';
import {
  checkpointSignatureValid,
  keyRing,
  link,
  signCheckpoint,
  type AuditKeyRing,
  type SignedCheckpoint,
} from './audit-link.js';
import { AuditSealsRepository, type NewSeal } from './audit-seals.repository.js';
import { inTransaction } from '../../database/sql.js';

export interface SealOptions {
  /** How long to wait for the transactions in progress at the horizon to end (ms). */
  waitMs?: number;
  batchSize?: number;
  /** Test hook: runs inside each batch's transaction after its links are written, before the position moves. */
  onBatch?: (manager: EntityManager) => Promise<void>;
}

export interface SealResult {
  /** Entries sealed by this call. */
  sealed: number;
  /** The sealer's position afterwards (as this call saw it). */
  lastId: string;
  /** `busy`: another instance holds the sealer lock; `waiting`: the horizon's transactions had not ended. */
  stopped: 'done' | 'busy' | 'waiting';
}

const DEFAULT_BATCH = 1000;
const MAX_FENCES = 64;

/**
 * Seals committed audit entries in id order, off the request path (docs/audit.md). One instance at
 * a time (transaction-scoped advisory lock); each batch's links and the new position commit together,
 * so a sealer that dies mid-batch leaves nothing behind and the next round resumes from the position.
 * After each batch a signed checkpoint goes to AUDIT_CHECKPOINT_DIR and to the log.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  private readonly ring: AuditKeyRing;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** The newest checkpoint this process knows of: the database's position may never fall behind it. */
  private lastCheckpoint: SignedCheckpoint | undefined;
  private checkpointsLoaded = false;
  /** Horizons not yet usable: the sequence's last value and the transactions in progress right after it. */
  private fences: Array<{ horizon: string; xids: string[] }> = [];

  constructor(
    private readonly repository: AuditSealsRepository,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.ring = keyRing(config.audit.hmacKey, config.audit.previousHmacKeys);
  }

  onApplicationBootstrap(): void {
    if (this.config.audit.sealIntervalMs > 0) this.start(this.config.audit.sealIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.running?.catch(() => undefined);
  }

  /** Seals every `intervalMs` until stopped (the rounds never overlap within one process). */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = async () => {
      this.running = this.sealPending({ waitMs: Math.min(intervalMs, 5000) }).catch((error: Error) =>
        this.logger.error(`audit sealing failed: ${error.message}`),
      );
      await this.running;
      if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Seals what can no longer be preceded: the horizon is the sequence's last value read *before*
   * the list of transactions in progress; once every one of those has ended, every id up to the
   * horizon is committed or will never exist (audit_next_id() takes the xid before the id).
   */
  async sealPending(options: SealOptions = {}): Promise<SealResult> {
    await this.loadCheckpoints();
    const head = await this.repository.sequenceHead();
    if (head !== null)
      this.fences.push({ horizon: head, xids: await this.repository.transactionsInProgress() });
    if (this.fences.length > MAX_FENCES) this.fences.splice(1, 1); // keep the oldest: it settles first
    const horizon = await this.settledHorizon(options.waitMs ?? 5000);
    if (horizon === null) {
      const lastId = (await this.repository.state()).lastId;
      return { sealed: 0, lastId, stopped: this.fences.length ? 'waiting' : 'done' };
    }
    let sealed = 0;
    for (;;) {
      const batch = await inTransaction(this.dataSource, (manager) =>
        this.sealBatch(manager, horizon, options),
      );
      if (batch.kind !== 'sealed') return { sealed, lastId: batch.lastId, stopped: batch.kind };
      sealed += batch.count;
      await this.checkpoint(batch.checkpoint);
    }
  }

  private async sealBatch(
    manager: EntityManager,
    horizon: string,
    options: SealOptions,
  ): Promise<
    | { kind: 'done' | 'busy'; lastId: string }
    | { kind: 'sealed'; count: number; checkpoint: SignedCheckpoint }
  > {
    if (!(await this.repository.tryLockSealer(manager)))
      return { kind: 'busy', lastId: (await this.repository.state(manager)).lastId };
    const state = await this.repository.state(manager);
    this.refuseRollback(state.lastId, state.link);
    const entries = await this.repository.entriesToSeal(
      state.lastId,
      horizon,
      options.batchSize ?? DEFAULT_BATCH,
      manager,
    );
    if (!entries.length) return { kind: 'done', lastId: state.lastId };
    const key = this.ring.keys.get(this.ring.current)!;
    let previous = state.link;
    const seals: NewSeal[] = entries.map((entry) => {
      previous = link(key, previous, entry.canonical);
      return { id: entry.id, link: previous, keyId: this.ring.current };
    });
    await this.repository.insertSeals(seals, manager);
    await options.onBatch?.(manager);
    const last = seals[seals.length - 1];
    const count = state.count + seals.length;
    const now = this.clock.now();
    if (
      !(await this.repository.advanceState(
        state.lastId,
        { lastId: last.id, link: last.link, count, at: now },
        manager,
      ))
    ) {
      throw new Error('audit sealer position moved under its lock');
    }
    return {
      kind: 'sealed',
      count: seals.length,
      checkpoint: signCheckpoint(this.ring, {
        lastId: last.id,
        link: last.link,
        count,
        at: now.toISOString(),
      }),
    };
  }

  /**
   * The highest horizon whose transactions have all ended, waiting up to `waitMs` for the newest.
   * Fences are kept across rounds, so a long transaction holds back only the ids taken after it
   * began. One read of the transactions in progress per poll decides every fence.
   */
  private async settledHorizon(waitMs: number): Promise<string | null> {
    if (!this.fences.length) return null;
    const deadline = Date.now() + waitMs;
    const newest = this.fences[this.fences.length - 1];
    let held = new Set(await this.repository.transactionsInProgress());
    const ended = (fence: { xids: string[] }) => !fence.xids.some((xid) => held.has(xid));
    while (!ended(newest) && Date.now() < deadline) {
      // A settling transaction usually ends within milliseconds; 50 ms keeps a stalled wait cheap.
      await new Promise((resolve) => setTimeout(resolve, 50));
      held = new Set(await this.repository.transactionsInProgress());
    }
    for (let i = this.fences.length - 1; i >= 0; i--) {
      if (ended(this.fences[i])) {
        const { horizon } = this.fences[i];
        this.fences.splice(0, i + 1);
        return horizon;
      }
    }
    return null;
  }

  /** A position behind a checkpoint means the trail was cut or rolled back: never seal over it. */
  private refuseRollback(lastId: string, lastLink: string | null): void {
    const known = this.lastCheckpoint;
    if (!known) return;
    const behind = BigInt(lastId) < BigInt(known.lastId);
    if (behind || (lastId === known.lastId && lastLink !== known.link)) {
      const message = `audit trail position ${lastId} is behind or differs from checkpoint ${known.lastId}: refusing to seal (run npm run audit:verify)`;
      this.logger.error(message);
      throw new Error(message);
    }
  }

  private async checkpoint(checkpoint: SignedCheckpoint): Promise<void> {
    this.lastCheckpoint = checkpoint;
    this.logger.log(JSON.stringify({ msg: 'audit checkpoint', ...checkpoint }));
    try {
      await appendCheckpoint(this.config.audit.checkpointDir, checkpoint);
    } catch (error) {
      this.logger.error(
        `audit checkpoint not written to ${this.config.audit.checkpointDir}: ${(error as Error).message}`,
      );
    }
  }

  private async loadCheckpoints(): Promise<void> {
    if (this.checkpointsLoaded) return;
    const { checkpoints } = await readCheckpoints(this.config.audit.checkpointDir);
    const latest = newest(checkpoints.filter((c) => checkpointSignatureValid(this.ring, c)));
    if (latest && (!this.lastCheckpoint || BigInt(latest.lastId) > BigInt(this.lastCheckpoint.lastId)))
      this.lastCheckpoint = latest;
    this.checkpointsLoaded = true;
  }
}
