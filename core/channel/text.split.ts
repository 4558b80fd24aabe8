/**
 * Splits text for a platform's length limit (LINE 5,000 and Discord 2,000 UTF-16 units), preferring a paragraph,
 * then a line, then a sentence, then a space; a surrogate pair is never cut in half.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut =
      lastBoundary(window, /\n\n/g, max) ??
      lastBoundary(window, /\n/g, max) ??
      lastBoundary(window, /[.!?。…](?=\s)|다\.(?=\s)|요\.(?=\s)/g, max, 1) ??
      lastBoundary(window, /\s/g, max) ??
      safeCut(window);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** The last match that leaves at least a third of the window filled, so that splits are not absurdly short. */
function lastBoundary(window: string, pattern: RegExp, max: number, keep = 0): number | null {
  let best: number | null = null;
  for (const m of window.matchAll(pattern)) {
    const end = m.index + (keep ? m[0].length : 0);
    if (end >= max / 3 && end <= window.length) best = end;
  }
  return best;
}

function safeCut(window: string): number {
  const last = window.charCodeAt(window.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? window.length - 1 : window.length;
}
