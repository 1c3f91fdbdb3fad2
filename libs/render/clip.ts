/** At most `max` characters of `s` (by code point), with an ellipsis when cut. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** The first line of `s` (a commit message's subject). */
export function firstLine(s: string): string {
  return (s.split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '').trim();
}

/** `1 tag`, `2 tags`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
