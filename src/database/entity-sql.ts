/** What EntitySql needs of TypeORM's EntityMetadata. */
export interface EntityTable {
  tableName: string;
  columns: { databaseName: string; propertyName: string; type: unknown }[];
}

/**
 * Hand-written SQL for one entity, derived once from its metadata: the SELECT list under the
 * property names, and INSERT / UPDATE texts cached per set of properties, all with `?`
 * placeholders. Rows read back are turned into the entity's types (SQLite gives booleans as 0/1,
 * PostgreSQL may give numbers as strings). Pure: Database runs the statements.
 */
export class EntitySql<T> {
  readonly select: string;
  private readonly columnOf: Map<string, string>;
  private readonly booleans: string[];
  private readonly integers: string[];
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly entity: new () => T,
    private readonly table: EntityTable,
  ) {
    const columns = table.columns.map((c) => ({ column: c.databaseName, property: c.propertyName, type: String(c.type) }));
    this.columnOf = new Map(columns.map((c) => [c.property, c.column]));
    this.booleans = columns.filter((c) => c.type === 'boolean').map((c) => c.property);
    this.integers = columns.filter((c) => c.type === 'integer').map((c) => c.property);
    this.select = `SELECT ${columns.map((c) => `"${c.column}" AS "${c.property}"`).join(', ')} FROM "${table.tableName}"`;
  }

  hydrate(row: Record<string, unknown>): T {
    const out = Object.assign(new this.entity() as Record<string, unknown>, row);
    for (const property of this.booleans) out[property] = row[property] === true || row[property] === 1;
    for (const property of this.integers) if (row[property] !== null && row[property] !== undefined) out[property] = Number(row[property]);
    return out as T;
  }

  /** The properties of `values` that are set, in order, and their values. */
  assigned(values: Partial<T>, without: string[] = []): { properties: string[]; params: unknown[] } {
    const record = values as Record<string, unknown>;
    const properties = Object.keys(record).filter((p) => record[p] !== undefined && !without.includes(p));
    return { properties, params: properties.map((p) => record[p]) };
  }

  /** `INSERT INTO … (…) VALUES (?, …)`, optionally skipping a row a unique index already holds. */
  insert(properties: string[], skipTaken: boolean): string {
    return this.cached(`insert${skipTaken ? '?' : ''}:${properties.join(',')}`, () => {
      const columns = properties.map((p) => `"${this.column(p)}"`);
      return `INSERT INTO "${this.table.tableName}" (${columns.join(', ')}) VALUES (${properties.map(() => '?').join(', ')})${skipTaken ? ' ON CONFLICT DO NOTHING' : ''}`;
    });
  }

  /** `UPDATE … SET "a" = ?, … WHERE "id" = ?` (the id is the last parameter). */
  updateById(properties: string[]): string {
    return this.cached(`update:${properties.join(',')}`, () => `UPDATE "${this.table.tableName}" SET ${properties.map((p) => `"${this.column(p)}" = ?`).join(', ')} WHERE "id" = ?`);
  }

  /** updateById that changes the row only while it still has the version given as the last parameter. */
  updateByIdIfVersion(properties: string[]): string {
    return this.cached(`update-if-version:${properties.join(',')}`, () => `${this.updateById(properties)} AND "version" = ?`);
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** The column names of `properties`, in order. */
  columns(properties: string[]): string[] {
    return properties.map((p) => this.column(p));
  }

  private column(property: string): string {
    const column = this.columnOf.get(property);
    if (column === undefined) throw new Error(`${this.table.tableName} has no column for property ${property}`);
    return column;
  }

  private cached(key: string, build: () => string): string {
    let text = this.texts.get(key);
    if (text === undefined) this.texts.set(key, (text = build()));
    return text;
  }
}
