// The adapter's answer to `evaluate $cpl` as a ring number. Pure, shared by the watcher and tests.

/** Parse "0", "0x0 (0)", "3 (user)", "CPL 3" into a ring number (0..3), or undefined. */
export function parseRing(result: string): number | undefined {
  const m = /(?:^|[^\w])(0x0*([0-3])|([0-3]))(?![\w])/.exec(` ${result.trim()}`);
  if (!m) return undefined;
  return Number(m[2] ?? m[3]);
}
