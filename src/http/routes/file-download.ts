// Sends a stored file with what a resumable download needs: Content-Length, ETag,
// Content-Disposition, and single-range requests (`Range: bytes=a-b`, `a-`, `-n`) with If-Range.
import { basename } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/catalogue.js';
import type { FileStore } from '../../files/file-store.js';
import type { DataRequestFile } from '../../store/store.js';

type Range = { readonly start: number; readonly end: number } | 'unsatisfiable' | null;

/** One byte range of a file of `size` bytes; null when absent or not understood (RFC 9110: send it all). */
export function parseRange(header: string | undefined, size: number): Range {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function sendFileRange(request: FastifyRequest, reply: FastifyReply, files: FileStore, path: string, file: DataRequestFile): Promise<FastifyReply> {
  const size = await files.size(path);
  if (size === null) throw new ApiError('FILE_NOT_FOUND');
  reply.headers({
    'content-type': 'application/gzip',
    'content-disposition': `attachment; filename="${basename(file.name)}"`,
    etag: file.etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=0',
  });
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === file.etag ? parseRange(request.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    throw new ApiError('RANGE_NOT_SATISFIABLE', { headers: { 'content-range': `bytes */${size}` } });
  }
  if (range === null) {
    return reply.code(200).header('content-length', String(size)).send(files.read(path));
  }
  return reply
    .code(206)
    .headers({ 'content-range': `bytes ${range.start}-${range.end}/${size}`, 'content-length': String(range.end - range.start + 1) })
    .send(files.read(path, range));
}
