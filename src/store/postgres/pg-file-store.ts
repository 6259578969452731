// Files in PostgreSQL, so every node of a deployment serves every bulk part file with no shared
// disk. A file is a row of `stored_files` and its bytes are rows of `stored_file_chunks` (1 MiB
// each, stored without TOAST compression: part files are gzip already). A file being written has
// no name; `commit` names it in one transaction that also drops the file it replaces, so a reader
// sees the old file or the new one, never a part of either. Chunks are written as they fill and
// read a few at a time, so neither side holds a whole file in memory.
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { FileStore, PendingFile } from '../../files/file-store.js';
import { inTransaction, withClient } from './pg-util.js';

/** Bytes per stored chunk. */
export const fileChunkBytes = 1 << 20;
/** An unnamed file not written to for this long was left by a writer that stopped; the next removal drops it. */
const abandonedAfter = '1 hour';

/** The tables, made by a numbered migration of the PostgreSQL store. */
export const pgFileStoreSchema = `
CREATE TABLE stored_files (
  id BIGSERIAL PRIMARY KEY,
  name TEXT UNIQUE,
  size BIGINT NOT NULL DEFAULT 0,
  -- When a chunk was last written (an unnamed file untouched for an hour was abandoned).
  touched_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stored_files_unnamed ON stored_files(touched_at) WHERE name IS NULL;
CREATE TABLE stored_file_chunks (
  file_id BIGINT NOT NULL REFERENCES stored_files(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (file_id, seq)
);
ALTER TABLE stored_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;`;

export class PgFileStore implements FileStore {
  /**
   * @param pool writes, sizes and removals
   * @param reads connections for downloads, each held for as long as its client takes to read:
   *   a pool of their own, so slow downloads never take the connections API requests need
   */
  constructor(private readonly pool: pg.Pool, private readonly reads: pg.Pool = pool, private readonly chunkBytes = fileChunkBytes) {}

  async create(name: string): Promise<PendingFile> {
    const { rows } = await this.pool.query<{ id: number }>('INSERT INTO stored_files (name) VALUES (NULL) RETURNING id');
    const id = rows[0]!.id;
    const pool = this.pool;
    const chunkBytes = this.chunkBytes;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let size = 0;
    const flush = async (all: boolean): Promise<void> => {
      let buffer = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      while (buffer.length >= chunkBytes || (all && buffer.length > 0)) {
        const chunk = buffer.subarray(0, chunkBytes);
        await pool.query(
          'WITH c AS (INSERT INTO stored_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)) UPDATE stored_files SET touched_at = now() WHERE id = $1',
          [id, seq++, chunk],
        );
        size += chunk.length;
        buffer = buffer.subarray(chunk.length);
      }
      if (buffer.length > 0) {
        pending = [buffer];
        pendingBytes = buffer.length;
      }
    };
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < chunkBytes) return callback();
        flush(false).then(() => callback(), callback);
      },
      final(callback) {
        flush(true).then(() => callback(), callback);
      },
    });
    return {
      stream,
      commit: async () => {
        if (!stream.writableFinished) await finished(stream);
        await inTransaction(pool, async (client) => {
          await client.query('DELETE FROM stored_files WHERE name = $1', [name]);
          const named = await client.query('UPDATE stored_files SET name = $1, size = $2 WHERE id = $3 AND name IS NULL', [name, size, id]);
          if (named.rowCount !== 1) throw new Error(`stored file ${name} was removed before it was committed`);
        });
      },
      abort: async () => {
        stream.destroy();
        await pool.query('DELETE FROM stored_files WHERE id = $1', [id]);
      },
    };
  }

  async size(name: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ size: number }>('SELECT size FROM stored_files WHERE name = $1', [name]);
    return rows[0]?.size ?? null;
  }

  read(name: string, range?: { readonly start: number; readonly end: number }): Readable {
    return Readable.from(this.chunks(name, range), { objectMode: false });
  }

  /**
   * The file's bytes (or the range's): the chunks it needs in one binary COPY on a connection of
   * its own. A SELECT returns bytea as hex text, which node-postgres decodes as a string first:
   * 21-27 ms per MiB against ~3 ms by COPY (measured, docs/architecture.md).
   */
  private async *chunks(name: string, range?: { readonly start: number; readonly end: number }): AsyncGenerator<Buffer> {
    const file = await this.pool.query<{ id: number; size: number }>('SELECT id, size FROM stored_files WHERE name = $1', [name]);
    const found = file.rows[0];
    if (!found) throw new Error(`no stored file ${name}`);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? found.size - 1, found.size - 1);
    if (end < start) return;
    const first = Math.floor(start / this.chunkBytes);
    const last = Math.floor(end / this.chunkBytes);
    const client = await this.reads.connect();
    // A connection that dies while checked out emits 'error' on the client, which nobody else
    // hears while it is out of the pool: heard here, the read fails and the client is discarded.
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    let done = false;
    try {
      // COPY takes no parameters: the three values are integers, written as such.
      const [fileId, from, to] = [found.id, first, last].map((n) => Math.trunc(Number(n)));
      const stream = client.query(copyTo(`COPY (SELECT data FROM stored_file_chunks WHERE file_id = ${fileId} AND seq BETWEEN ${from} AND ${to} ORDER BY seq) TO STDOUT (FORMAT binary)`));
      // Position in the file of the next data byte, and what was sent.
      let position = first * this.chunkBytes;
      let sent = 0;
      for await (const data of binaryCopyFields(stream)) {
        const skip = Math.max(0, start - position);
        const upTo = Math.min(data.length, end + 1 - position);
        position += data.length;
        if (upTo > skip) {
          sent += upTo - skip;
          yield skip === 0 && upTo === data.length ? data : data.subarray(skip, upTo);
        }
      }
      if (broken) throw broken;
      if (sent !== end - start + 1) throw new Error(`stored file ${name} was removed while it was read`);
      done = true;
    } finally {
      client.off('error', onError);
      // A reader that stopped early leaves the connection inside the COPY: discard it.
      client.release(done ? undefined : (broken ?? true));
    }
  }

  async removeAll(prefix: string): Promise<void> {
    await withClient(this.pool, async (client) => {
      await client.query('DELETE FROM stored_files WHERE left(name, length($1)) = $1 OR name = $2', [`${prefix}/`, prefix]);
      await client.query(`DELETE FROM stored_files WHERE name IS NULL AND touched_at < now() - interval '${abandonedAfter}'`);
    });
  }
}

/**
 * The field values of a one-column binary COPY stream (PostgreSQL's binary COPY format: a
 * signature, flags and header extension, then per row a field count and a length-prefixed
 * value, then -1), yielded in pieces as they arrive: a value may span stream chunks.
 */
export async function* binaryCopyFields(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
  let pending = Buffer.alloc(0);
  let header = true;
  /** Bytes of the current value still to come; 0 between values. */
  let remaining = 0;
  let trailer = false;
  for await (const chunk of stream) {
    const buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    pending = Buffer.alloc(0);
    let at = 0;
    for (;;) {
      if (remaining > 0) {
        const take = Math.min(remaining, buf.length - at);
        if (take === 0) break;
        yield buf.subarray(at, at + take);
        at += take;
        remaining -= take;
        continue;
      }
      if (header) {
        if (buf.length - at < 19) break;
        if (!buf.subarray(at, at + 11).equals(signature)) throw new Error('not a binary COPY stream');
        const extension = buf.readUInt32BE(at + 15);
        if (buf.length - at < 19 + extension) break;
        at += 19 + extension;
        header = false;
        continue;
      }
      if (trailer) {
        if (at < buf.length) throw new Error('binary COPY data after its trailer');
        break;
      }
      if (buf.length - at < 2) break;
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        // Read on to the stream's end, so the connection has finished the COPY when this returns.
        trailer = true;
        at += 2;
        continue;
      }
      if (fields !== 1) throw new Error(`binary COPY row of ${fields} fields, expected 1`);
      if (buf.length - at < 6) break;
      const length = buf.readInt32BE(at + 2);
      if (length < 0) throw new Error('binary COPY row with a null value');
      at += 6;
      remaining = length;
      if (length === 0) continue;
    }
    if (at < buf.length) pending = Buffer.from(buf.subarray(at));
  }
  if (!trailer) throw new Error('binary COPY stream ended early');
}
