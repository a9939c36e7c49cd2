import { createRequire } from 'node:module';

interface Bcrypt {
  hash(password: string, cost: number): Promise<string>;
}

// the api's own bcrypt binding, resolved from the api package (the bench does not depend on it directly)
const bcrypt = createRequire(import.meta.resolve('@gx/api'))('@node-rs/bcrypt') as Bcrypt;

/**
 * The machine's bcrypt limit: hashes per second at `cost`, `threads` at once on the thread pool (as
 * the api runs them), for `durationMs`, in this process and nothing else.
 */
export async function bcryptRate(cost: number, threads: number, durationMs: number): Promise<number> {
  const started = performance.now();
  const end = started + durationMs;
  let hashes = 0;
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (performance.now() < end) {
        await bcrypt.hash('correct horse battery', cost);
        hashes++;
      }
    }),
  );
  return hashes / ((performance.now() - started) / 1_000);
}
