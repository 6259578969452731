// Builds one part (shard) of a PostgreSQL node's copy of the search postings: the part's
// records and their version read in one snapshot, derived and collected as the embedded store
// builds its own (postings.ts, buildShard), written into the copy in one transaction.
import type { Database } from 'better-sqlite3';
import type pg from 'pg';
import type { DatasetName } from '../../datasets/datasets.js';
import { indexDocuments } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { ShardCollector, shardSize } from '../postings/shard-collector.js';
import { replaceShard } from '../sqlite/postings.js';
import { shardVersionsTable } from './pg-shard-versions.js';

/** Records read a statement: a part's records are never all in memory at once. */
const readBatch = 2000;

/** Builds a part's postings into `cache`; the version they were built from, and the records read (null: the part never held records). */
export async function buildPgShard(client: pg.ClientBase, cache: Database, d: DatasetName, layout: IndexLayout, shard: number): Promise<{ version: number; records: number } | null> {
  const base = shard * shardSize;
  const collector = new ShardCollector(layout, shard);
  const recency: { offset: number; lu: string | null }[] = [];
  let version: number;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const v = await client.query<{ version: string }>(`SELECT version FROM ${shardVersionsTable(d)} WHERE shard = $1`, [shard]);
    if (v.rows.length === 0) {
      await client.query('COMMIT');
      return null;
    }
    version = Number(v.rows[0]!.version);
    for (let after = base - 1; ;) {
      const { rows } = await client.query<{ id: string; lu: string | null; record: string }>(
        `SELECT id, last_updated AS lu, record FROM ${d}_records WHERE id > $1 AND id < $2 ORDER BY id LIMIT ${readBatch}`,
        [after, base + shardSize],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const id = Number(row.id);
        recency.push({ offset: id - base, lu: row.lu });
        // With the filler token between array values, as the embedded store's build derives them.
        collector.add(id, indexDocuments(layout, JSON.parse(row.record) as Record<string, unknown>, undefined, { keep: collector.keep }));
      }
      after = Number(rows[rows.length - 1]!.id);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  collector.finish();
  cache.transaction(() => replaceShard(cache, d, collector, version, recency)).immediate();
  return { version, records: collector.records };
}
