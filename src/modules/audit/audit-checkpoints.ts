import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignedCheckpoint } from './audit-link.js';

/**
 * Checkpoint files outside the database: one JSON line per sealed batch, appended to
 * `<dir>/audit-checkpoints-YYYY-MM-DD.jsonl` (UTC day of the checkpoint, so a day's file is closed
 * and can be shipped to write-once storage once the day is over). Appends of one short line with
 * O_APPEND are atomic, so several instances on one host may share the folder.
 */
export function checkpointFileName(at: string): string {
  return `audit-checkpoints-${at.slice(0, 10)}.jsonl`;
}

export async function appendCheckpoint(dir: string, checkpoint: SignedCheckpoint): Promise<void> {
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, checkpointFileName(checkpoint.at)), `${JSON.stringify(checkpoint)}\n`, {
    flag: 'a',
    mode: 0o640,
  });
}

export interface CheckpointRead {
  checkpoints: SignedCheckpoint[];
  /** Lines that are not checkpoints (`file:line`): the verifier cannot vouch for them. */
  unreadable: string[];
}

/** Every checkpoint in every `*.jsonl` file of `dir` (none when the folder does not exist). */
export async function readCheckpoints(dir: string): Promise<CheckpointRead> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadable: [] };
    throw error;
  }
  const checkpoints: SignedCheckpoint[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const c = JSON.parse(line) as SignedCheckpoint;
        if (
          typeof c.lastId === 'string' &&
          /^\d{1,19}$/.test(c.lastId) &&
          typeof c.link === 'string' &&
          typeof c.count === 'number'
        ) {
          checkpoints.push(c);
          return;
        }
      } catch {
        // reported below
      }
      unreadable.push(`${file}:${i + 1}`);
    });
  }
  return { checkpoints, unreadable };
}

/** The checkpoint with the highest `lastId`. */
export function newest(checkpoints: SignedCheckpoint[]): SignedCheckpoint | undefined {
  let best: SignedCheckpoint | undefined;
  for (const c of checkpoints) if (!best || BigInt(c.lastId) > BigInt(best.lastId)) best = c;
  return best;
}
