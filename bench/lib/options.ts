const argv = process.argv.slice(2);

/** The text after `--name` on the command line, or `fallback`. */
export function textOption(name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

/** The number after `--name` on the command line, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const value = Number(textOption(name, String(fallback)));
  if (!Number.isFinite(value)) throw new Error(`--${name} expects a number`);
  return value;
}

/** Whether `--name` is on the command line. */
export const flag = (name: string): boolean => argv.includes(`--${name}`);
