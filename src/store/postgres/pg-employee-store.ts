// Employee records on PostgreSQL: the record kept whole (as collect sends it), shorthand names,
// and change detection written in the same transaction as each batch's upsert. Batches go in as
// arrays (unnest), one statement per table, not one per row.
import type pg from 'pg';
import { changeOf } from '../../changes/change-state.js';
import type { DatasetName } from '../../datasets/datasets.js';
import type { ChangeEvent, EmployeeRow, EmployeeStore } from '../store.js';
import { inTransaction } from './pg-util.js';
import { writeIndex } from './pg-index-writer.js';
import { indexDocuments } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';

/** Vocabulary entries remembered per process (bounded; forgetting one only costs a re-insert). */
const maxKnownVocabulary = 2_000_000;

export class PgEmployeeStore implements EmployeeStore {
  private readonly knownVocabulary = new Set<string>();

  constructor(private readonly pool: pg.Pool, private readonly layouts: Readonly<Record<DatasetName, IndexLayout>>) {}

  async getJsonById(dataset: DatasetName, id: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ record: string }>(`SELECT record FROM ${dataset}_records WHERE id = $1`, [id]);
    return rows[0]?.record ?? null;
  }

  async getJsonByShorthand(dataset: DatasetName, shorthand: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ record: string }>(
      `SELECT r.record FROM ${dataset}_shorthands s JOIN ${dataset}_records r ON r.id = s.id WHERE s.shorthand = $1`, [shorthand]);
    return rows[0]?.record ?? null;
  }

  async getManyJson(dataset: DatasetName, ids: readonly number[]): Promise<(string | null)[]> {
    const { rows } = await this.pool.query<{ id: number; record: string }>(`SELECT id, record FROM ${dataset}_records WHERE id = ANY($1::bigint[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r.record]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async getManyRaw(dataset: DatasetName, ids: readonly number[]): Promise<(Buffer | null)[]> {
    return (await this.getManyJson(dataset, ids)).map((j) => (j === null ? null : Buffer.from(j)));
  }

  async idsByShorthand(dataset: DatasetName, shorthands: readonly string[]): Promise<(number | null)[]> {
    const { rows } = await this.pool.query<{ shorthand: string; id: number }>(`SELECT shorthand, id FROM ${dataset}_shorthands WHERE shorthand = ANY($1::text[])`, [shorthands]);
    const byName = new Map(rows.map((r) => [r.shorthand, r.id]));
    return shorthands.map((s) => byName.get(s) ?? null);
  }

  async upsertBatch(dataset: DatasetName, rows: readonly EmployeeRow[]): Promise<{ changes: number }> {
    // Within one batch the last version of a record wins, as row-by-row upserts would.
    const latest = [...new Map(rows.map((r) => [r.id, r])).values()];
    const ids = latest.map((r) => r.id);
    let added: string[] = [];
    const result = await inTransaction(this.pool, async (c) => {
      const existing = new Map((await c.query<{ id: number; record: string }>(`SELECT id, record FROM ${dataset}_records WHERE id = ANY($1::bigint[]) FOR UPDATE`, [ids])).rows.map((r) => [r.id, r.record]));
      const changes: [number, number, number, string][] = [];
      for (const row of latest) {
        if (!row.detectChanges) continue;
        const change = changeOf(dataset, existing.get(row.id) ?? null, row.json);
        if (change) changes.push([row.id, change.created ? 1 : 0, change.experience ? 1 : 0, JSON.stringify(change.fields)]);
      }
      const written = latest.filter((r) => existing.get(r.id) !== r.json);
      if (written.length > 0) {
        await c.query(
          `INSERT INTO ${dataset}_records (id, last_updated, record) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
           ON CONFLICT (id) DO UPDATE SET last_updated = excluded.last_updated, record = excluded.record`,
          [written.map((r) => r.id), written.map((r) => r.lastUpdated), written.map((r) => r.json)],
        );
        await c.query(`DELETE FROM ${dataset}_shorthands WHERE id = ANY($1::bigint[])`, [written.map((r) => r.id)]);
        // Searchable at once: PostgreSQL indexes as it imports (no deferred mode).
        const docs = written.map((r) => ({
          id: r.id,
          existed: existing.has(r.id),
          docs: r.index && r.index.length > 0 ? r.index : indexDocuments(this.layouts[dataset], JSON.parse(r.json) as Record<string, unknown>),
        }));
        added = await writeIndex(c, dataset, this.layouts[dataset], docs, this.knownVocabulary);
        const names = written.flatMap((r) => r.shorthandNames.map((s) => [s, r.id] as const));
        const unique = [...new Map(names).entries()];
        if (unique.length > 0) {
          await c.query(
            `INSERT INTO ${dataset}_shorthands (shorthand, id) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT (shorthand) DO UPDATE SET id = excluded.id`,
            [unique.map(([s]) => s), unique.map(([, id]) => id)],
          );
        }
      }
      if (changes.length > 0) {
        // Held to commit, so sequence numbers become visible in order: the notifier reads
        // "everything after seq N" and must never see N+1 before N.
        await c.query(`LOCK TABLE ${dataset}_changes IN EXCLUSIVE MODE`);
        await c.query(
          `INSERT INTO ${dataset}_changes (id, created, experience, fields) SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[])`,
          [changes.map((x) => x[0]), changes.map((x) => x[1]), changes.map((x) => x[2]), changes.map((x) => x[3])],
        );
      }
      return { changes: changes.length };
    });
    if (this.knownVocabulary.size + added.length > maxKnownVocabulary) this.knownVocabulary.clear();
    for (const key of added) this.knownVocabulary.add(key);
    return result;
  }

  /** PostgreSQL indexes every record as it is imported, so nothing is ever deferred. */
  async indexPending(): Promise<number> {
    return 0;
  }

  async pendingIndex(): Promise<number> {
    return 0;
  }

  async changesSince(dataset: DatasetName, afterSeq: number, limit: number): Promise<ChangeEvent[]> {
    const { rows } = await this.pool.query<{ seq: number; id: number; created: number; experience: number; fields: string }>(
      `SELECT seq, id, created, experience, fields FROM ${dataset}_changes WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
    return rows.map((r) => ({ seq: r.seq, id: r.id, created: r.created === 1, experience: r.experience === 1, fields: JSON.parse(r.fields) as string[] }));
  }

  async lastChangeSeq(dataset: DatasetName): Promise<number> {
    const { rows } = await this.pool.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM ${dataset}_changes`);
    return rows[0]?.seq ?? 0;
  }

  async count(dataset: DatasetName): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${dataset}_records`);
    return rows[0]!.n;
  }

  async sampleIds(dataset: DatasetName, limit: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: number }>(`SELECT id FROM ${dataset}_records ORDER BY id LIMIT $1`, [limit]);
    return rows.map((r) => r.id);
  }
}
