// A version for each part (shard, 65,536 consecutive record ids) of a dataset's records, moved
// by the database itself whenever a transaction writes the part's records: a trigger on the
// records table gives each part the transaction wrote a new version, in the same transaction.
// A node's copy of the search postings (pg-postings-cache.ts) is current for a part while the
// part's version is the one it was built from.
//
// A version is a random 52-bit number, not the next of a sequence: only equality is asked of
// it, and a sequence goes back with the database (a restore from a backup, a point-in-time
// recovery) and would give a part again a number a copy of later records was built from. A
// restored database gives the versions of the records it restores, which a copy of that time
// matches; a database made again gives new ones.
//
// The trigger is deferred to the commit: a part's version row stays locked only while its
// writer commits. An import writes batches in overlapping transactions that commit in order
// (pg-employee-store.ts); a lock taken at each batch's first statement made a later batch hold
// the row an earlier one waited for, while the later one waited for the earlier one's commit.
// Each part is bumped once a transaction (a transaction-local setting remembers it), in the
// order the rows were written; batches are written in id order, so parts lock in ascending order.
import type pg from 'pg';
import type { DatasetName } from '../../datasets/datasets.js';
import { shardBits } from '../postings/shard-collector.js';
import type { QueryPool } from './pg-replicas.js';

export const shardVersionsTable = (d: DatasetName): string => `${d}_shard_versions`;
/** A new version: a random integer below 2^52 (exact in a double). */
const newVersion = '(random() * 4503599627370496)::bigint';

function triggers(d: DatasetName): string {
  const table = shardVersionsTable(d);
  return `
CREATE TABLE ${table} (shard INTEGER PRIMARY KEY, version BIGINT NOT NULL);
CREATE FUNCTION ${d}_bump_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  part integer := (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END) >> ${shardBits};
  memo text := 'rollcall.${d}_part_' || part;
BEGIN
  IF current_setting(memo, true) IS DISTINCT FROM '1' THEN
    INSERT INTO ${table} (shard, version) VALUES (part, ${newVersion}) ON CONFLICT (shard) DO UPDATE SET version = excluded.version;
    PERFORM set_config(memo, '1', true);
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION ${d}_bump_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE ${table} SET version = ${newVersion}; RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER ${d}_records_written AFTER INSERT OR UPDATE OR DELETE ON ${d}_records DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${d}_bump_part();
CREATE TRIGGER ${d}_records_truncated AFTER TRUNCATE ON ${d}_records FOR EACH STATEMENT EXECUTE FUNCTION ${d}_bump_truncated();
INSERT INTO ${table} (shard, version) SELECT s, ${newVersion} FROM (SELECT DISTINCT (id >> ${shardBits})::integer AS s FROM ${d}_records) AS parts ORDER BY s;`;
}

/** Makes a dataset's versions table and trigger when it has none (in the migrations' transaction). */
export async function applyPgShardVersions(client: pg.PoolClient, d: DatasetName): Promise<void> {
  const has = async (name: string): Promise<boolean> =>
    (await client.query("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'r' AND relnamespace = current_schema()::regnamespace", [name])).rowCount! > 0;
  if ((await has(`${d}_records`)) && !(await has(shardVersionsTable(d)))) await client.query(triggers(d));
}

/** The version of every part of the dataset that has held records. */
export async function shardVersions(q: QueryPool, d: DatasetName): Promise<Map<number, number>> {
  const { rows } = await q.query<{ shard: number; version: string }>(`SELECT shard, version FROM ${shardVersionsTable(d)}`);
  return new Map(rows.map((r) => [r.shard, Number(r.version)]));
}
