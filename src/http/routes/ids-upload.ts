// Reads a multipart `ids_file` upload (bulk and subscription endpoints): the file's bytes plus
// the text fields sent beside it. Upload errors become the catalogue's 400s.
import type { FastifyRequest } from 'fastify';
import { detailError } from '../../domain/bulk/bulk-input.js';

export interface IdsUpload {
  readonly file: Buffer | null;
  readonly fields: Readonly<Record<string, unknown>>;
}

export async function readIdsUpload(request: FastifyRequest, maxBytes: number): Promise<IdsUpload> {
  const fields: Record<string, unknown> = {};
  let file: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'ids_file' && file === null) file = await part.toBuffer();
        else part.file.resume();
      } else {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw detailError('BULK_INVALID_FILE', `File is too large. Maximum is ${maxBytes.toLocaleString('en-US')} bytes`);
    if (code.startsWith('FST_')) throw detailError('BULK_INVALID_FILE', `Malformed multipart upload: ${(error as Error).message}`);
    throw error;
  }
  return { file, fields };
}

/** Limits for @fastify/multipart on routes that take an `ids_file`. */
export function uploadLimits(maxBytes: number) {
  return { limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 8192, parts: 25 } };
}
