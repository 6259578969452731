// Small helpers over node:util parseArgs so every command reports bad flags the same way.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type OptionsConfig = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/**
 * `--collect -100` as `--collect=-100`: parseArgs reads a value starting with a dash as an
 * option and says the flag is "ambiguous"; joined, the value reaches the command's own check,
 * which names the flag and the rule ("--collect must be an integer >= 0").
 */
function joinNegativeValues(args: string[], options: OptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse<const O extends OptionsConfig>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function intFlag(value: string | boolean | (string | boolean)[] | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

/**
 * A reader that went away (`rollcall import … | head -1`) stops neither the work nor the command
 * with a stack: what is written after the pipe closed is dropped (bin/rollcall.js takes the
 * EPIPE), and the command finishes with its own status (an import keeps every record it was given).
 */
function writeUnlessClosed(stream: NodeJS.WriteStream, text: string): void {
  if (!stream.destroyed) stream.write(text);
}

export const consoleOutput: Output = {
  out: (line) => writeUnlessClosed(process.stdout, line + '\n'),
  err: (line) => writeUnlessClosed(process.stderr, line + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};
