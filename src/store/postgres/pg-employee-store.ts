// Employee records on PostgreSQL: the record kept whole (as collect sends it), shorthand names,
// and change detection written in the same transaction as each batch's upsert. Batches go in as
// arrays (unnest), one statement per table, not one per row.
import type { StoredRecord } from '../stored-record.js';
import type pg from 'pg';
import type { QueryPool } from './pg-replicas.js';
import { changeOf } from '../../changes/change-state.js';
import type { DatasetName } from '../../datasets/datasets.js';
import type { ChangeEvent, EmployeeRow, EmployeeStore, PostingsReport } from '../store.js';
import { inTransaction, withClient } from './pg-util.js';
import { deferrableIndexes } from './pg-search-schema.js';
import type { PgPostingsCache } from './pg-postings-cache.js';
import { insertVocabulary, KnownVocabulary, writeIndex } from './pg-index-writer.js';
import { indexDocuments } from '../../search/index-documents.js';
import { tsvectorDoc, type TsvectorDoc } from '../../search/tsvector-doc.js';
import type { IndexLayout } from '../../search/index-layout.js';

/** Memory for building the deferred indexes (a GIN build collects entries up to this, then flushes). */
const maintenanceWorkMem = '512MB';

/** Vocabulary entries remembered per process (bounded; forgetting one only costs a re-insert). */
const maxKnownVocabulary = 2_000_000;

export class PgEmployeeStore implements EmployeeStore {
  readonly indexForm = 'tsvector';
  /** Records are text; PostgreSQL compresses them itself (TOAST, lz4). */
  readonly recordForm = 'text';
  /** Datasets whose indexes this process dropped (or is dropping) for a bulk load. */
  private readonly deferred = new Map<DatasetName, Promise<void>>();
  /** Settles when the last batch upserted so far has committed (true) or failed (false). */
  private lastCommit: Promise<boolean> = Promise.resolve(true);
  /** Record ids and shorthand names of the batches being written now. */
  private readonly inFlight: { ids: ReadonlySet<number>; names: ReadonlySet<string> }[] = [];
  private readonly knownVocabulary = new Map<DatasetName, KnownVocabulary>();

  /** `reads`: where collects read records (a replica set's reader; by default the primary). */
  constructor(private readonly pool: pg.Pool, private readonly layouts: Readonly<Record<DatasetName, IndexLayout>>, private readonly reads: QueryPool = pool, cache: PgPostingsCache | null = null) {
    if (cache !== null) this.refreshPostings = (dataset, onShard) => cache.refresh(dataset, onShard);
  }

  /** Builds this node's copy of the search postings of every part written since its build (pg-postings-cache.ts). */
  readonly refreshPostings?: (dataset: DatasetName, onShard?: (done: number, of: number) => void) => Promise<PostingsReport>;

  /** The search documents of a row, in tsvector form (import derives them on its parse workers). */
  private tsvectorDocs(dataset: DatasetName, row: EmployeeRow): readonly TsvectorDoc[] {
    if (row.tsvectorDocs && row.tsvectorDocs.length > 0) return row.tsvectorDocs;
    const docs = row.index && row.index.length > 0 ? row.index : indexDocuments(this.layouts[dataset], JSON.parse(row.json) as Record<string, unknown>);
    return docs.map(tsvectorDoc);
  }

  async getJsonById(dataset: DatasetName, id: number): Promise<string | null> {
    const { rows } = await this.reads.query<{ record: string }>(`SELECT record FROM ${dataset}_records WHERE id = $1`, [id]);
    return rows[0]?.record ?? null;
  }

  async getJsonByShorthand(dataset: DatasetName, shorthand: string): Promise<string | null> {
    const { rows } = await this.reads.query<{ record: string }>(
      `SELECT r.record FROM ${dataset}_shorthands s JOIN ${dataset}_records r ON r.id = s.id WHERE s.shorthand = $1`, [shorthand]);
    return rows[0]?.record ?? null;
  }

  async getStoredById(dataset: DatasetName, id: number): Promise<StoredRecord | null> {
    const json = await this.getJsonById(dataset, id);
    return json === null ? null : { json };
  }

  async getStoredByShorthand(dataset: DatasetName, shorthand: string): Promise<StoredRecord | null> {
    const json = await this.getJsonByShorthand(dataset, shorthand);
    return json === null ? null : { json };
  }

  async getManyJson(dataset: DatasetName, ids: readonly number[]): Promise<(string | null)[]> {
    const { rows } = await this.reads.query<{ id: number; record: string }>(`SELECT id, record FROM ${dataset}_records WHERE id = ANY($1::bigint[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r.record]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async getManyRaw(dataset: DatasetName, ids: readonly number[]): Promise<(Buffer | null)[]> {
    return (await this.getManyJson(dataset, ids)).map((j) => (j === null ? null : Buffer.from(j)));
  }

  async idsByShorthand(dataset: DatasetName, shorthands: readonly string[]): Promise<(number | null)[]> {
    const { rows } = await this.reads.query<{ shorthand: string; id: number }>(`SELECT shorthand, id FROM ${dataset}_shorthands WHERE shorthand = ANY($1::text[])`, [shorthands]);
    const byName = new Map(rows.map((r) => [r.shorthand, r.id]));
    return shorthands.map((s) => byName.get(s) ?? null);
  }

  /**
   * Upserts a batch in one transaction. Batches may overlap (import keeps two in flight, so one
   * is written while the next is prepared), but they commit in call order: each waits for the
   * one before it to commit before it takes the change log's lock and commits itself, and rolls
   * back if that one failed. Overlapping batches never wait on each other's row locks (which
   * would deadlock with the wait for the earlier commit): a batch that shares a record id or a
   * shorthand name with one in flight starts only once that one has committed, and vocabulary
   * goes in outside the batch's transaction.
   */
  async upsertBatch(dataset: DatasetName, rows: readonly EmployeeRow[], options: { deferIndex?: boolean } = {}): Promise<{ changes: number }> {
    if (options.deferIndex) await this.dropDeferrable(dataset);
    const previous = this.lastCommit;
    let settle!: (ok: boolean) => void;
    this.lastCommit = new Promise<boolean>((resolve) => (settle = resolve));
    const keys = { ids: new Set(rows.map((r) => r.id)), names: new Set(rows.flatMap((r) => r.shorthandNames)) };
    const clashes = this.inFlight.some((b) => [...keys.ids].some((id) => b.ids.has(id)) || [...keys.names].some((n) => b.names.has(n)));
    this.inFlight.push(keys);
    try {
      if (clashes) await previous;
      const result = await this.writeBatch(dataset, rows, previous);
      settle(true);
      return result;
    } catch (error) {
      settle(false);
      throw error;
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(keys), 1);
    }
  }

  /** Bulk load: the index rows are still written (search stays exact, only slower), but the indexes over them are dropped until `indexPending` builds them in one pass. */
  private dropDeferrable(dataset: DatasetName): Promise<void> {
    let dropping = this.deferred.get(dataset);
    if (!dropping) {
      dropping = inTransaction(this.pool, async (c) => {
        for (const ix of deferrableIndexes(dataset, this.layouts[dataset])) await c.query(ix.drop);
      });
      this.deferred.set(dataset, dropping);
      dropping.catch(() => this.deferred.delete(dataset));
    }
    return dropping;
  }

  private async writeBatch(dataset: DatasetName, rows: readonly EmployeeRow[], previous: Promise<boolean>): Promise<{ changes: number }> {
    // Within one batch the last version of a record wins, as row-by-row upserts would.
    const latest = [...new Map(rows.map((r) => [r.id, r])).values()];
    const ids = latest.map((r) => r.id);
    let known = this.knownVocabulary.get(dataset);
    if (!known) this.knownVocabulary.set(dataset, (known = new KnownVocabulary(maxKnownVocabulary)));
    const docsOf = new Map(latest.map((r) => [r.id, this.tsvectorDocs(dataset, r)]));
    await insertVocabulary(this.pool, dataset, [...docsOf.values()].flat(), known);
    const result = await inTransaction(this.pool, async (c) => {
      const existing = new Map((await c.query<{ id: number; record: string }>(`SELECT id, record FROM ${dataset}_records WHERE id = ANY($1::bigint[]) FOR UPDATE`, [ids])).rows.map((r) => [r.id, r.record]));
      const changes: [number, number, number, string][] = [];
      for (const row of latest) {
        if (!row.detectChanges) continue;
        const change = changeOf(dataset, existing.get(row.id) ?? null, row.json);
        if (change) changes.push([row.id, change.created ? 1 : 0, change.experience ? 1 : 0, JSON.stringify(change.fields)]);
      }
      // In id order: the parts' versions are taken in that order at commit (pg-shard-versions.ts).
      const written = latest.filter((r) => existing.get(r.id) !== r.json).sort((a, b) => a.id - b.id);
      if (written.length > 0) {
        await c.query(
          `INSERT INTO ${dataset}_records (id, last_updated, record) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
           ON CONFLICT (id) DO UPDATE SET last_updated = excluded.last_updated, record = excluded.record`,
          [written.map((r) => r.id), written.map((r) => r.lastUpdated), written.map((r) => r.json)],
        );
        await c.query(`DELETE FROM ${dataset}_shorthands WHERE id = ANY($1::bigint[])`, [written.map((r) => r.id)]);
        // Searchable at once (in bulk-load mode too, without the dropped indexes' speed).
        await writeIndex(c, dataset, this.layouts[dataset], written.map((r) => ({ id: r.id, existed: existing.has(r.id), docs: docsOf.get(r.id)! })));
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
      if (!(await previous)) throw new Error('an earlier batch of this import failed; this one was rolled back');
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
    return result;
  }

  /**
   * Builds the indexes a bulk load dropped (each GIN index and number-table key, one statement
   * each); returns how many records that made fast to search (0 when none was missing).
   */
  async indexPending(dataset: DatasetName, _batch?: number, onProgress?: (done: number, left: number) => void): Promise<number> {
    const missing = await this.missingIndexes(dataset);
    if (missing.length === 0) return 0;
    await withClient(this.pool, async (c) => {
      await c.query(`SET maintenance_work_mem = '${maintenanceWorkMem}'`);
      let done = 0;
      for (const ix of missing) {
        try {
          await c.query(ix.create);
        } catch (error) {
          // Two bulk loads of the same new record at once can both write its number rows.
          if (!ix.unique || (error as { code?: string }).code !== '23505') throw error;
          const table = ix.create.split(' ')[2]!;
          await c.query(`DELETE FROM ${table} a USING ${table} b WHERE a.ctid > b.ctid AND a.field = b.field AND a.value = b.value AND a.doc = b.doc`);
          await c.query(ix.create);
        }
        onProgress?.(++done, missing.length - done);
      }
    });
    this.deferred.delete(dataset);
    return this.count(dataset);
  }

  /** Every record waits while a bulk load's dropped indexes are missing; none otherwise. */
  async pendingIndex(dataset: DatasetName): Promise<number> {
    return (await this.missingIndexes(dataset)).length > 0 ? this.count(dataset) : 0;
  }

  private async missingIndexes(dataset: DatasetName): Promise<ReturnType<typeof deferrableIndexes>> {
    const all = deferrableIndexes(dataset, this.layouts[dataset]);
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relkind = 'i' AND relname = ANY($1::text[]) AND relnamespace = current_schema()::regnamespace`, [all.map((ix) => ix.name)]);
    const present = new Set(rows.map((r) => r.name));
    return all.filter((ix) => !present.has(ix.name));
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
