// The outbox INSERT as a prepared statement on SQLite, for the data-request and subscription stores,
// whose synchronous transactions queue a webhook with the write that causes it (the outbox store
// itself is ../control/outbox-sql.ts).
import type { Database } from 'better-sqlite3';
import type { NewDelivery } from '../store.js';
import { enqueueParams, enqueueSql } from '../control/outbox-sql.js';

export function prepareEnqueue(db: Database): (d: NewDelivery, now: number) => void {
  const insert = db.prepare(enqueueSql);
  return (d, now) => {
    insert.run(...enqueueParams(d, now));
  };
}
