import { Injectable } from '@nestjs/common';

export type PendingRequestKind = 'pcp' | 'non_pcp';

/** One of the caller's open requests for a patient, as search shows it (API.md v1.1). */
export interface PendingRequest {
  kind: PendingRequestKind;
  id: string;
  status: string;
}

/** The caller's open requests of one kind among these patients (one set-based read). */
export type PendingRequestSource = (
  userId: string,
  patientIds: string[],
) => Promise<Array<{ patientId: string; id: string; status: string }>>;

/**
 * Where search learns of the caller's open requests without naming the requests' tables: the
 * modules that own them (access-requests: `non_pcp`; pcp-updates: `pcp`) register a source at
 * start. A port, because those modules depend on patient-access, not the other way round.
 */
@Injectable()
export class PendingRequestsRegistry {
  private readonly sources = new Map<PendingRequestKind, PendingRequestSource>();

  register(kind: PendingRequestKind, source: PendingRequestSource): void {
    this.sources.set(kind, source);
  }

  /** The caller's open requests per patient id (patients without any are absent); one read per kind, in parallel. */
  async find(userId: string, patientIds: string[]): Promise<Map<string, PendingRequest[]>> {
    const out = new Map<string, PendingRequest[]>();
    if (!patientIds.length || !this.sources.size) return out;
    const found = await Promise.all(
      [...this.sources].map(async ([kind, source]) => ({ kind, list: await source(userId, patientIds) })),
    );
    for (const { kind, list } of found) {
      for (const r of list) {
        const entry = out.get(r.patientId) ?? [];
        entry.push({ kind, id: r.id, status: r.status });
        out.set(r.patientId, entry);
      }
    }
    // Stable order: pcp first, then non_pcp.
    for (const list of out.values())
      list.sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'pcp' ? -1 : 1));
    return out;
  }
}
