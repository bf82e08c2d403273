// The one way SQL text is built from names and values (DuckDB): identifiers in double quotes, strings
// in single quotes, each with its quote doubled.

export function quote(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}
