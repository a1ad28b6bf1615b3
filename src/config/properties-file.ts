// Java `.properties` files, as read by Kafka's FileConfigProvider (`${file:/path:key}`):
// `key=value`, `key: value` or `key value`; `#`/`!` comments; a trailing `\` continues the line;
// `\t \n \r \f \uXXXX` escapes; any other escaped character stands for itself.

function unescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i]!;
    if (next === 't') out += '\t';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 'f') out += '\f';
    else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += next;
  }
  return out;
}

/** Joins continued lines: a line ending in an odd number of backslashes goes on with the next. */
function logicalLines(content: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const physical of content.split(/\r\n|\r|\n/)) {
    const line = physical.replace(/^[ \t\f]+/, '');
    // Comment lines never continue, even when they end in a backslash.
    if (pending === '' && (line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending += line.slice(0, -1);
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending);
  return lines;
}

export function parseProperties(content: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of logicalLines(content)) {
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    let end = 0;
    while (end < line.length && !/[=: \t\f]/.test(line[end]!)) end += line[end] === '\\' ? 2 : 1;
    const key = unescape(line.slice(0, end));
    let rest = line.slice(end).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    result.set(key, unescape(rest));
  }
  return result;
}
