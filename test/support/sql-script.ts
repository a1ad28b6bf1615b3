// Splits a SQL script as the mariadb client runs it: `DELIMITER x` lines change the statement
// terminator (stored procedures hold `;` in their bodies); `--` comment lines are dropped.
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let delimiter = ';';
  let current = '';
  for (const line of script.split('\n')) {
    const directive = /^\s*DELIMITER\s+(\S+)\s*$/i.exec(line);
    if (directive) { delimiter = directive[1]!; continue; }
    if (/^\s*--/.test(line)) continue;
    current += line + '\n';
    const trimmed = current.trimEnd();
    if (trimmed.endsWith(delimiter)) {
      const statement = trimmed.slice(0, -delimiter.length).trim();
      if (statement !== '') statements.push(statement);
      current = '';
    }
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}
