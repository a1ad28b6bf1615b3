// Tools write their marks into DDL (`create /* gh-ost */ table`, `/*!40101 ... */` from dumps), so
// a statement head is only readable with comments skipped. A lexical walk, not a parser: it knows
// quotes and comments, nothing else. MariaDB runs the content of executable comments (`/*! ... */`,
// `/*!50100 ... */`, `/*M!100100 ... */`) as code, so only their markers are skipped.

/**
 * `sql` with every comment, and the markers of executable comments, replaced by spaces of the
 * same length: an index into the result is the same index into `sql`, and quoted strings and
 * identifiers are left as they are.
 */
export function blankComments(sql: string): string {
  let out = '';
  let from = 0;
  let inExecutable = false;
  const blank = (start: number, end: number): void => {
    out += sql.slice(from, start) + ' '.repeat(end - start);
    from = end;
  };
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(sql, i);
    } else if (inExecutable && c === '*' && sql[i + 1] === '/') {
      blank(i, i + 2);
      inExecutable = false;
      i += 2;
    } else if (c === '/' && sql[i + 1] === '*') {
      const executable = /^\/\*M?!\d*/.exec(sql.slice(i, i + 12));
      if (executable && !inExecutable) {
        blank(i, i + executable[0].length);
        inExecutable = true;
        i += executable[0].length;
      } else {
        const close = sql.indexOf('*/', i + 2);
        const end = close < 0 ? sql.length : close + 2;
        blank(i, end);
        i = end;
      }
    } else if (c === '#' || (c === '-' && sql[i + 1] === '-' && /[\s\0-\x1f]/.test(sql[i + 2] ?? ' '))) {
      const newline = sql.indexOf('\n', i);
      const end = newline < 0 ? sql.length : newline;
      blank(i, end);
      i = end;
    } else {
      i++;
    }
  }
  return out + sql.slice(from);
}

/** Where the statement's code starts: after leading whitespace and comments. */
export function codeStart(blanked: string): number {
  const at = blanked.search(/\S/);
  return at < 0 ? blanked.length : at;
}

/** The end (exclusive) of the string or identifier opened at `i`; backslash escapes outside backquotes. */
function quotedEnd(sql: string, i: number): number {
  const quote = sql[i];
  for (let j = i + 1; j < sql.length;) {
    if (sql[j] === '\\' && quote !== '`') j += 2;
    else if (sql[j] === quote && sql[j + 1] === quote) j += 2;
    else if (sql[j] === quote) return j + 1;
    else j++;
  }
  return sql.length;
}
