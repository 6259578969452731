// Failures of the storage underneath a request rather than of the request: a full disk, or a
// database server that is restarting or out of reach. The API answers them 503 with Retry-After
// (nothing is charged: a charge is the last write before a 200), and `rollcall import` stops with
// a message saying what to do, instead of a stack trace.

export type StoreFault = 'full' | 'unreachable';

/** SQLite result codes and PostgreSQL SQLSTATEs / socket errors that mean the storage, not the request, failed. */
export function storeFault(error: unknown): StoreFault | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = String((error as { code?: unknown }).code ?? '');
  const message = String((error as { message?: unknown }).message ?? '');
  // SQLite: the disk (or a file size limit) is full; an I/O error writing is almost always that.
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) return 'full';
  // PostgreSQL: disk_full, insufficient_resources, out_of_memory.
  if (code === '53100' || code === '53000' || code === '53200') return 'full';
  // PostgreSQL shutting down or starting (admin_shutdown, crash_shutdown, cannot_connect_now), a
  // broken connection (class 08), or no server listening.
  if (['57P01', '57P02', '57P03'].includes(code) || code.startsWith('08')) return 'unreachable';
  // (A client that goes away mid-request raises ECONNRESET too, with the message "aborted"; the
  // error handler tells that apart before asking here.)
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return 'unreachable';
  if (/^Connection terminated/.test(message) || message === 'timeout exceeded when trying to connect') return 'unreachable';
  return null;
}
