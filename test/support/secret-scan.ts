// Asserts that secrets a test used never left binlogd: not in a log line, a status trace, a REST
// body or CLI output. A test registers the secrets it planted (passwords, tokens, values behind
// `${…}` references) and feeds in everything it captured; a hit names the secret's label, where
// it was seen and the text around it, with the secret itself masked so the failure does not leak
// it into the test report either.
import assert from 'node:assert/strict';

export interface SecretHit {
  /** The label the secret was registered with (never the secret). */
  secret: string;
  /** Where the text came from, e.g. "log line 12" or "GET /connectors/x/status". */
  source: string;
  /** The text around the hit, the secret replaced by «label». */
  context: string;
}

/** The forms a secret takes in captured text: as is, and escaped inside a JSON string. */
function formsOf(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}

export class SecretScan {
  private readonly secrets = new Map<string, string>();
  private readonly texts: Array<{ source: string; text: string }> = [];

  /** `label` names the secret in failures; multi-line values also count line by line (8+ chars). */
  add(label: string, value: string): this {
    assert.ok(value.length >= 4, `secret ${label} is too short to scan for`);
    this.secrets.set(value, label);
    for (const piece of value.split(/[\r\n\0]+/)) if (piece.trim().length >= 8 && !this.secrets.has(piece.trim())) this.secrets.set(piece.trim(), `${label} (a line of it)`);
    return this;
  }

  /** Text to scan: a log line, a body, CLI output. Objects are scanned as their JSON. */
  capture(source: string, content: unknown): this {
    this.texts.push({ source, text: typeof content === 'string' ? content : JSON.stringify(content) ?? '' });
    return this;
  }

  /** Every JSON log line of a daemon (test/support/binlogd-process.ts) and its stderr. */
  captureLogs(logs: ReadonlyArray<unknown>, stderr: readonly string[] = [], name = 'binlogd'): this {
    logs.forEach((line, i) => this.capture(`${name} log line ${i + 1}`, line));
    if (stderr.length > 0) this.capture(`${name} stderr`, stderr.join(''));
    return this;
  }

  hits(): SecretHit[] {
    const found: SecretHit[] = [];
    for (const { source, text } of this.texts) {
      for (const [secret, label] of this.secrets) {
        for (const form of formsOf(secret)) {
          const at = text.indexOf(form);
          if (at < 0) continue;
          const around = text.slice(Math.max(0, at - 60), at + form.length + 60).split(form).join(`«${label}»`);
          found.push({ secret: label, source, context: around });
          break;
        }
      }
    }
    return found;
  }

  /** Fails listing every hit; `scanned` says how much was looked at, so an empty capture is visible. */
  assertClean(): void {
    assert.ok(this.texts.length > 0, 'the secret scan captured nothing to scan');
    const hits = this.hits();
    assert.deepEqual(hits, [], `secrets leaked (${hits.length} hits in ${this.texts.length} captured texts):\n` +
      hits.map((h) => `- ${h.secret} in ${h.source}: …${h.context}…`).join('\n'));
  }
}
