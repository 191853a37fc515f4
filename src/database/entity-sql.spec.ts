import { EntitySql } from './entity-sql.js';

class Thing {
  id!: number;
  groupId!: number | null;
  name!: string;
  enabled!: boolean;
}

const table = {
  tableName: 'things',
  columns: [
    { databaseName: 'id', propertyName: 'id', type: 'integer' },
    { databaseName: 'group_id', propertyName: 'groupId', type: 'integer' },
    { databaseName: 'name', propertyName: 'name', type: 'varchar' },
    { databaseName: 'enabled', propertyName: 'enabled', type: 'boolean' },
  ],
};

describe('EntitySql', () => {
  const sql = new EntitySql(Thing, table);

  it('selects every column under its property name', () => {
    expect(sql.select).toBe('SELECT "id" AS "id", "group_id" AS "groupId", "name" AS "name", "enabled" AS "enabled" FROM "things"');
  });

  it('hydrates SQLite and PostgreSQL rows into the entity and its types', () => {
    const fromSqlite = sql.hydrate({ id: 3, groupId: null, name: 'a', enabled: 1 });
    expect(fromSqlite).toBeInstanceOf(Thing);
    expect({ ...fromSqlite }).toEqual({ id: 3, groupId: null, name: 'a', enabled: true });
    expect({ ...sql.hydrate({ id: '4', groupId: '7', name: 'b', enabled: false }) }).toEqual({ id: 4, groupId: 7, name: 'b', enabled: false });
    expect(sql.hydrate({ id: 5, groupId: 1, name: 'c', enabled: 0 }).enabled).toBe(false);
  });

  it('lists only the properties that are set, in order, without the excluded ones', () => {
    expect(sql.assigned({ id: 1, name: 'x', groupId: undefined, enabled: false }, ['id'])).toEqual({ properties: ['name', 'enabled'], params: ['x', false] });
  });

  it('builds INSERT and UPDATE texts from the column names, the same text for the same properties', () => {
    expect(sql.insert(['groupId', 'name'], false)).toBe('INSERT INTO "things" ("group_id", "name") VALUES (?, ?)');
    expect(sql.insert(['groupId', 'name'], true)).toBe('INSERT INTO "things" ("group_id", "name") VALUES (?, ?) ON CONFLICT DO NOTHING');
    expect(sql.updateById(['name', 'enabled'])).toBe('UPDATE "things" SET "name" = ?, "enabled" = ? WHERE "id" = ?');
    expect(sql.insert(['groupId', 'name'], false)).toBe(sql.insert(['groupId', 'name'], false));
  });

  it('refuses a property that has no column', () => {
    expect(() => sql.insert(['colour'], false)).toThrow('things has no column for property colour');
  });
});
