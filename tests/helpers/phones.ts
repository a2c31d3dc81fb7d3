/**
 * Mainland mobile numbers that no other test file of the run holds, without
 * reading the wall clock: a block of 10,000 numbers per test file, walked by a
 * counter. A file that needs more than its block fails loudly rather than
 * wrapping into a neighbour's.
 */
export const BLOCK_SIZE = 10_000;
const BLOCKS = 10_000;

export type MobilePrefix = '138' | '139';

/**
 * Which block a test file takes. Vitest numbers the files of a run 1, 2, 3…
 * (`VITEST_WORKER_ID`, each file in a process of its own), so files running side
 * by side never share a block; the runner's process id shifts the numbering from
 * one run to the next, so a PostgreSQL database kept between runs does not meet
 * the last run's numbers in the same files. Outside vitest, the process id.
 */
export function fileNumber(env: Record<string, string | undefined> = process.env, runner = process.ppid, own = process.pid): number {
  const file = Number(env.VITEST_WORKER_ID);
  return Number.isInteger(file) && file > 0 ? runner + file : own;
}

export function mobileSequence(prefix: MobilePrefix, file: number = fileNumber()): () => string {
  const block = String(file % BLOCKS).padStart(4, '0');
  let next = 0;
  return () => {
    if (next >= BLOCK_SIZE) throw new Error(`more than ${BLOCK_SIZE} ${prefix} numbers in one test file: give the file a second sequence`);
    return `${prefix}${block}${String(next++).padStart(4, '0')}`;
  };
}
