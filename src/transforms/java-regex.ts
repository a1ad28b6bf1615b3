// Java's regex and replacement syntax, as the Kafka/Debezium routers read their options, turned
// into JavaScript's. The regexes users write for topics are the common subset; Java's replacement
// syntax differs ($1 and ${name} groups, backslash escapes) and is translated exactly.

/** Java's Matcher.matches(): the whole input must match. A leading `(?i)` becomes the `i` flag. */
export function compileWhole(pattern: string): RegExp {
  let flags = 'u';
  let body = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const flag of inline[1]!) if (flag === 'i' || flag === 'm' || flag === 's') flags += flag;
  }
  return new RegExp(`^(?:${body})$`, flags);
}

/** The problem with a pattern, or undefined when JavaScript compiles it. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compileWhole(pattern);
    return undefined;
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}

/** Java's Matcher.replaceFirst replacement (`$1`, `${name}`, `\$`) as a JavaScript replacement string. */
export function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      const next = replacement[++i]!;
      out += next === '$' ? '$$' : next;
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(i + 1));
      const numbered = /^\d+/.exec(replacement.slice(i + 1));
      if (named) {
        out += `$<${named[1]}>`;
        i += named[0].length;
      } else if (numbered) {
        out += `$${numbered[0]}`;
        i += numbered[0].length;
      } else {
        out += '$$';
      }
    } else {
      out += c;
    }
  }
  return out;
}

/** RegexRouter's rule: when the pattern matches the whole topic, the replacement; else undefined. */
export function routeWhole(regex: RegExp, replacement: string, topic: string): string | undefined {
  regex.lastIndex = 0;
  if (!regex.test(topic)) return undefined;
  return topic.replace(regex, replacement);
}
