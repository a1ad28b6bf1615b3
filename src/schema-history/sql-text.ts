// A lexical walk over SQL text that knows only quotes, comments and parentheses, so keywords can
// be found at the top level of a statement the server wrote. Not a parser: it never interprets
// what it skips.

/** The end (exclusive) of the quoted string, identifier or comment starting at `i`, or -1. */
function skipQuoted(text: string, i: number): number {
  const c = text[i];
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === '\\' && c !== '`') j += 2;
      else if (text[j] === c && text[j + 1] === c) j += 2;
      else if (text[j] === c) return j + 1;
      else j += 1;
    }
    return text.length;
  }
  if (c === '/' && text[i + 1] === '*' && text[i + 2] !== '!') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if ((c === '-' && text[i + 1] === '-' && /\s/.test(text[i + 2] ?? ' ')) || c === '#') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end + 1;
  }
  return -1;
}

/**
 * Where `pattern` (sticky-free, matched at a word start) first occurs outside quotes, comments
 * and parentheses, from `from` on; -1 when it does not.
 */
export function topLevelIndexOf(text: string, pattern: RegExp, from = 0): number {
  const anchored = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'y');
  let depth = 0;
  for (let i = from; i < text.length;) {
    const skipped = skipQuoted(text, i);
    if (skipped >= 0) {
      i = skipped;
      continue;
    }
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\w/.test(c) && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      anchored.lastIndex = i;
      if (anchored.test(text)) return i;
    }
    i++;
  }
  return -1;
}

/** The next unit at `i`: a quoted string or identifier, a balanced parenthesis group, or a bare word. */
export function unitAt(text: string, i: number): { text: string; end: number } {
  const skipped = skipQuoted(text, i);
  if (skipped >= 0) {
    // A prefixed literal such as b'101' or _utf8mb4'x' is taken with its prefix by the caller.
    return { text: text.slice(i, skipped), end: skipped };
  }
  if (text[i] === '(') {
    let depth = 0;
    for (let j = i; j < text.length;) {
      const quoted = skipQuoted(text, j);
      if (quoted >= 0) {
        j = quoted;
        continue;
      }
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) return { text: text.slice(i, j + 1), end: j + 1 };
      j++;
    }
    return { text: text.slice(i), end: text.length };
  }
  let j = i;
  while (j < text.length && !/[\s,]/.test(text[j]!)) {
    if (text[j] === "'" || text[j] === '(') {
      j = unitAt(text, j).end;
      continue;
    }
    j++;
  }
  return { text: text.slice(i, j), end: j };
}

/** `name` as a backquoted identifier. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A backquoted identifier's name (the server doubles backquotes inside). */
export function unquoteIdentifier(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1).replace(/``/g, '`') : identifier;
}
