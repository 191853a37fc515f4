import { createHash } from 'node:crypto';
import pg from 'pg';

/** Statement texts named per process; past the cap a new text is sent unnamed (planned each time). */
const MAX_NAMED = 500;
const names = new Map<string, string>();

/**
 * The name a parameterised SQL text is prepared under on every connection (null once the cap is
 * reached). Derived from the text, so every process and connection agrees, and a text built from a
 * client's filter shape cannot grow the map past the cap.
 */
export function statementName(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return null;
    name = `roster_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A pg Client that sends each parameterised statement as a named prepared statement: PostgreSQL
 * parses and plans it once per connection (and, after a few runs, may keep a generic plan) instead
 * of on every request — for the SCIM look-ups, planning cost several times what running them did
 * (README "Performance" has the A/B). Statements without parameters (BEGIN, COMMIT, DDL of the
 * migrations) go as they are. Given to TypeORM's pool through pg-pool's documented `Client` option.
 * Contract: preparing-pg.spec.ts.
 */
export class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(text);
      if (name !== null) return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...args.slice(2));
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
