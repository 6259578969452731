// Files in a local directory. Writes go to a unique temporary name and are renamed into place,
// so a crash never leaves a half-written file under a real name.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FileStore, PendingFile } from './file-store.js';

export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private path(name: string): string {
    const full = normalize(join(this.root, name));
    // Names come from the store, never from a request, but a wrong one must still stay inside.
    if (!full.startsWith(this.root + sep)) throw new Error(`file name escapes the file store: ${name}`);
    return full;
  }

  async create(name: string): Promise<PendingFile> {
    const target = this.path(name);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    const stream = createWriteStream(temp);
    return {
      stream,
      async commit() {
        if (!stream.writableFinished) await finished(stream);
        await rename(temp, target);
      },
      async abort() {
        stream.destroy();
        await rm(temp, { force: true });
      },
    };
  }

  async size(name: string): Promise<number | null> {
    try {
      return (await stat(this.path(name))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  read(name: string, range?: { readonly start: number; readonly end: number }): Readable {
    return createReadStream(this.path(name), range ? { start: range.start, end: range.end } : {});
  }

  async removeAll(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }
}
