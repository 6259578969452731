// The file-store port: where bulk part files live. The local directory is the default; an
// S3-compatible store can implement the same four operations when nodes do not share a disk.
import type { Readable, Writable } from 'node:stream';

export interface PendingFile {
  /** Write the content here; nothing is visible under the name until `commit`. */
  readonly stream: Writable;
  /** Makes the file visible under its name, atomically. */
  commit(): Promise<void>;
  /** Drops the partial file. */
  abort(): Promise<void>;
}

export interface FileStore {
  create(name: string): Promise<PendingFile>;
  /** Size in bytes, or null when there is no such file. */
  size(name: string): Promise<number | null>;
  /** Bytes `start`..`end` inclusive (the whole file by default). */
  read(name: string, range?: { readonly start: number; readonly end: number }): Readable;
  /** Removes every file whose name starts with `prefix/`. */
  removeAll(prefix: string): Promise<void>;
}
