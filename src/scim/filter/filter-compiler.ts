import { DomainError } from '../../common/domain-error.js';
import type { AttrPath, CompareNode, FilterNode, ValuePathNode } from './filter-ast.js';
import { invalidFilter, quote } from './filter-tokenizer.js';
import { coerceBoolean, escapeGlob, escapeLike, parseDateTime } from './filter-values.js';
import { normalizeForCompare } from './normalize.js';
import { collateC, type SqlDialect } from './sql-dialect.js';
import { USER_FILTER_ATTRIBUTES, filterableNames, type FilterAttribute, type FilterAttributeMap, type MultiValuedTable } from './user-filter-attributes.js';

export type { SqlDialect } from './sql-dialect.js';
export { compileUserSort, compileSort, type SortTerm } from './sort-compiler.js';

export interface FilterCompileContext {
  dialect: SqlDialect;
  /** Parameter names are `<paramPrefix><n>` (default `f`), so several compiled filters never collide. */
  paramPrefix?: string;
}

/** For `qb.andWhere(sql, params)`: a boolean SQL expression with named `:param` placeholders. */
export interface CompiledFilter {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Compiles a filter AST over `scim_identities i` (see user-filter-attributes.ts).
 *
 * Every predicate it emits is TRUE or FALSE, never NULL (NULL-able columns are guarded with
 * `col IS NOT NULL AND …`), so `not (X)` is the exact complement of X. `ne` is `NOT eq` on one value:
 * for a single-valued attribute the identity's, for a multi-valued one each element's, so
 * `emails.value ne "x"` holds when some email is not x (see compare()). Values only ever travel as
 * parameters. Conditions on a multi-valued table are always `i.id IN (subquery)`, never EXISTS (see
 * subquery()).
 */
export function compileUserFilter(ast: FilterNode, ctx: FilterCompileContext): CompiledFilter {
  return compileFilter(ast, USER_FILTER_ATTRIBUTES, ctx);
}

export function compileFilter(ast: FilterNode, map: FilterAttributeMap, ctx: FilterCompileContext): CompiledFilter {
  const compiler = new Compiler(map, ctx);
  const sql = compiler.node(ast, ROOT);
  return { sql, params: compiler.params };
}

/** Where attribute paths are resolved: at the top, inside `name[…]`, or inside `emails[…]` (a subquery). */
interface Scope {
  /** Lower-case path prefix for lookups (`emails.`) and the client's spelling for messages. */
  prefix: string;
  written: string;
  /** Inside `emails[…]`: the multi-valued attribute and the alias of its subquery. */
  multi?: { key: string; alias: string };
}

const ROOT: Scope = { prefix: '', written: '' };

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
/**
 * Subqueries (email conditions, `userName eq` fallbacks) per filter. PostgreSQL plans each as a
 * semi-join, and planning time grows steeply with their number: ~130 of them, which fit in 4 KiB,
 * take seconds of database CPU. IdPs send one or two.
 */
export const MAX_FILTER_SUBQUERIES = 20;
const RANGE_SQL = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
// A constant truth value for comparisons decided without looking at a row (not a client value).
const FALSE_SQL = '1 = 0';

class Compiler {
  readonly params: Record<string, unknown> = {};
  private paramCount = 0;
  private aliasCount = 0;
  private readonly prefix: string;

  constructor(
    private readonly map: FilterAttributeMap,
    private readonly ctx: FilterCompileContext,
  ) {
    this.prefix = ctx.paramPrefix ?? 'f';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.prefix)) throw new Error(`Invalid paramPrefix "${this.prefix}"`);
  }

  node(node: FilterNode, scope: Scope): string {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${this.node(node.left, scope)} ${node.kind.toUpperCase()} ${this.node(node.right, scope)})`;
      case 'not':
        return `NOT (${this.node(node.expr, scope)})`;
      case 'present':
        return this.attribute(node.attr, scope, false, (attribute, column) => this.present(attribute, column));
      case 'compare':
        return this.compare(node, scope);
      case 'valuePath':
        return this.valuePath(node, scope);
    }
  }

  private compare(node: CompareNode, scope: Scope): string {
    if (node.value === null) {
      // RFC 7644 §3.4.2.2: `eq null` is "not present" (the attribute has no value: `emails.type eq null`
      // is "no email has a type", while `emails[type eq null]` asks it of one email), so `ne null` is
      // `pr`, which for emails is "some email has one", like every other operator.
      if (node.op === 'eq') return `NOT (${this.node({ kind: 'present', attr: node.attr }, scope)})`;
      if (node.op === 'ne') return `NOT (${this.compare({ ...node, op: 'eq' }, scope)})`;
      throw invalidFilter(`Operator "${node.op}" cannot compare ${quote(this.written(node.attr, scope))} with null; use eq, ne or pr`);
    }
    if (node.op === 'ne') {
      // `ne` is `NOT eq` on one value, taken where the value is: a single-valued attribute has one, so
      // a missing displayName is "ne" every value. A multi-valued attribute matches when some value
      // satisfies the comparison (RFC 7644 §3.4.2.2), for `ne` as for every other operator, so the NOT
      // goes inside the email subquery: `emails.value ne "x"` is "has an email other than x", the same
      // as `emails[value ne "x"]`; a person without emails matches neither. "Has no email x" is
      // `not (emails.value eq "x")`, and `not (…)` stays the exact complement of its filter.
      const eq: CompareNode = { ...node, op: 'eq' };
      return this.attribute(node.attr, scope, false, (attribute, column) => `NOT (${this.comparison(attribute, column, eq)})`);
    }
    return this.attribute(node.attr, scope, node.op === 'eq', (attribute, column) => this.comparison(attribute, column, node));
  }

  /** The comparison on one value (`column`): the identity's, or one email row's. Never `ne`. */
  private comparison(attribute: FilterAttribute, column: string, node: CompareNode): string {
    switch (attribute.type) {
      case 'boolean':
        return this.compareBoolean(attribute, column, node);
      case 'dateTime':
        return this.compareDateTime(attribute, column, node);
      case 'string':
        return this.compareString(attribute, column, node);
    }
  }

  private compareString(attribute: FilterAttribute, column: string, node: CompareNode): string {
    // Unquoted numbers count as their source text (`externalId eq 0012`); true/false are not strings.
    const raw = typeof node.value === 'string' ? node.value : typeof node.value === 'number' ? node.raw : undefined;
    if (raw === undefined) {
      throw invalidFilter(`Attribute ${quote(attribute.path)} is a string; expected a quoted string value`);
    }
    const value = attribute.caseExact ? raw : normalizeForCompare(raw);
    switch (node.op) {
      case 'eq': {
        const p = this.param(value);
        if (attribute.fallback && !attribute.caseExact && column === `${this.map.rootAlias}.${attribute.column}`) {
          return this.withFallback(attribute, p);
        }
        return this.guard(attribute, column, `${column} = ${p}`);
      }
      case 'co':
      case 'sw':
      case 'ew':
        return this.guard(attribute, column, this.pattern(attribute, column, node.op, value));
      case 'ne': // compiled as NOT eq in compare()
        throw new Error('unreachable');
      default:
        return this.range(attribute, column, node.op, value);
    }
  }

  private compareBoolean(attribute: FilterAttribute, column: string, node: CompareNode): string {
    if (node.op !== 'eq') {
      throw invalidFilter(`Operator "${node.op}" is not supported for the boolean attribute ${quote(attribute.path)}; use eq, ne or pr`);
    }
    const value = coerceBoolean(node.value);
    if (value === undefined) {
      throw invalidFilter(`Attribute ${quote(attribute.path)} is boolean; expected true or false`);
    }
    // A JS boolean: TypeORM binds it as 1/0 on SQLite and as a boolean on PostgreSQL.
    return this.guard(attribute, column, `${column} = ${this.param(value)}`);
  }

  private compareDateTime(attribute: FilterAttribute, column: string, node: CompareNode): string {
    if (node.op === 'co' || node.op === 'sw' || node.op === 'ew') {
      throw invalidFilter(`Operator "${node.op}" is not supported for the dateTime attribute ${quote(attribute.path)}`);
    }
    const parsed = typeof node.value === 'string' ? parseDateTime(node.value) : undefined;
    if (!parsed) {
      throw invalidFilter(`Attribute ${quote(attribute.path)} is a dateTime; expected a value such as "2026-11-22T10:00:00Z"`);
    }
    let op = node.op;
    if (parsed.inexact) {
      // Stored times have millisecond precision; with sub-millisecond digits t = 21.8617979s, a stored x
      // satisfies x >= t iff x > 21.861 and x < t iff x <= 21.861, and never x = t.
      if (op === 'eq') return FALSE_SQL;
      if (op === 'ge') op = 'gt';
      if (op === 'lt') op = 'le';
    }
    if (op === 'eq') return this.guard(attribute, column, `${column} = ${this.param(parsed.iso)}`);
    if (op === 'ne') throw new Error('unreachable'); // compiled as NOT eq in compare()
    return this.range(attribute, column, op, parsed.iso);
  }

  /** gt/ge/lt/le order byte-wise on both engines: SQLite's BINARY collation, PostgreSQL's "C". */
  private range(attribute: FilterAttribute, column: string, op: keyof typeof RANGE_SQL, value: string): string {
    return this.guard(attribute, column, `${collateC(column, this.ctx.dialect)} ${RANGE_SQL[op]} ${this.param(value)}`);
  }

  private pattern(attribute: FilterAttribute, column: string, op: 'co' | 'sw' | 'ew', value: string): string {
    // SQLite's LIKE folds ASCII case, which only matters for a caseExact attribute; GLOB is case-sensitive.
    const glob = attribute.caseExact && this.ctx.dialect === 'sqlite';
    const escaped = glob ? escapeGlob(value) : escapeLike(value);
    const any = glob ? '*' : '%';
    const text = op === 'co' ? `${any}${escaped}${any}` : op === 'sw' ? `${escaped}${any}` : `${any}${escaped}`;
    return glob ? `${column} GLOB ${this.param(text)}` : `${column} LIKE ${this.param(text)} ESCAPE '\\'`;
  }

  /** RFC 7644 §3.4.2.2 "pr": the attribute has a non-empty value. */
  private present(attribute: FilterAttribute, column: string): string {
    if (attribute.type === 'boolean') return `${column} IS NOT NULL`;
    return attribute.nullable ? `(${column} IS NOT NULL AND ${column} <> '')` : `${column} <> ''`;
  }

  /**
   * `userName eq "x"` also finds the identity whose platform account has username or email x
   * (scim-api.md "Filters"). Applied wherever `userName eq` appears, so `ne` and `not` stay its exact
   * complement. Written as `id IN (… UNION ALL …)` with one index lookup per branch: an OR across the
   * column and a subquery would make PostgreSQL scan every identity (an OR with a hashed subplan
   * cannot use an index) and SQLite walk the whole scope. Ids are never NULL, so NOT IN is exact.
   */
  private withFallback(attribute: FilterAttribute, p: string): string {
    const fallback = attribute.fallback!;
    const n = this.nextAlias();
    const [self, linked, account] = [`us${n}`, `ul${n}`, `uu${n}`];
    const { rootTable, rootAlias } = this.map;
    const matches = fallback.columns.map((column) => `${account}.${column} = ${p}`).join(' OR ');
    return (
      `${rootAlias}.id IN (SELECT ${self}.id FROM ${rootTable} ${self} WHERE ${self}.${attribute.column} = ${p}` +
      ` UNION ALL SELECT ${linked}.id FROM ${rootTable} ${linked} WHERE ${linked}.${fallback.foreignKey} IN ` +
      `(SELECT ${account}.${fallback.idColumn} FROM ${fallback.table} ${account} WHERE ${matches}))`
    );
  }

  /** `emails[type eq "work"]` → one subquery over the email table; `name[givenName eq "a"]` → inline. */
  private valuePath(node: ValuePathNode, scope: Scope): string {
    const written = this.written(node.attr, scope);
    if (scope.prefix !== '') throw invalidFilter(`Value filters cannot be nested (${quote(written)})`);
    const key = this.resolveKey(node.attr, scope, written);
    const multi = own(this.map.multiValued, key);
    if (!multi && !this.map.complex.includes(key)) {
      if (own(this.map.attributes, key)) {
        throw invalidFilter(`Attribute ${quote(written)} is neither multi-valued nor complex, so it takes no "[…]" filter`);
      }
      throw this.notFilterable(written);
    }
    const alias = multi ? `${multi.aliasPrefix}${this.nextAlias()}` : undefined;
    const inner: Scope = {
      prefix: `${key}.`,
      written: `${node.attr.attr}.`,
      multi: alias ? { key, alias } : undefined,
    };
    const conditions = [this.node(node.filter, inner)];
    if (node.subAttrExpr) conditions.push(this.node(node.subAttrExpr, inner));
    if (!multi || !alias) return conditions.length === 1 ? conditions[0] : `(${conditions.join(' AND ')})`;
    const indexed = this.indexedEquality(node.filter, inner) || (node.subAttrExpr !== undefined && this.indexedEquality(node.subAttrExpr, inner));
    return this.subquery(multi, alias, conditions.join(' AND '), indexed);
  }

  /** Does every match of `node` need an `eq` on an indexed column (so the index can find the rows)? */
  private indexedEquality(node: FilterNode, scope: Scope): boolean {
    if (node.kind === 'and') return this.indexedEquality(node.left, scope) || this.indexedEquality(node.right, scope);
    if (node.kind !== 'compare' || node.op !== 'eq' || node.value === null) return false;
    const key = `${scope.prefix}${node.attr.subAttr === undefined ? node.attr.attr : `${node.attr.attr}.${node.attr.subAttr}`}`.toLowerCase();
    return node.attr.schema === undefined && this.lookup(key)?.indexed === true;
  }

  /**
   * Resolves a path and builds its predicate with `build(attribute, column)`. An attribute of a
   * multi-valued table named outside its `[…]` (`emails.value co "@x"`) gets a subquery of its own.
   */
  private attribute(path: AttrPath, scope: Scope, equality: boolean, build: (a: FilterAttribute, column: string) => string): string {
    const written = this.written(path, scope);
    const key = this.resolveKey(path, scope, written);
    const attribute = this.lookup(key);
    if (!attribute) throw this.notFilterable(written);
    if (!attribute.multiValued) return build(attribute, `${this.map.rootAlias}.${attribute.column}`);
    if (scope.multi?.key === attribute.multiValued) return build(attribute, `${scope.multi.alias}.${attribute.column}`);
    const multi = this.map.multiValued[attribute.multiValued];
    const alias = `${multi.aliasPrefix}${this.nextAlias()}`;
    return this.subquery(multi, alias, build(attribute, `${alias}.${attribute.column}`), equality && attribute.indexed === true);
  }

  /** Own keys only: a client's `constructor` or `__proto__` must never resolve to Object.prototype. */
  private lookup(key: string): FilterAttribute | undefined {
    return own(this.map.attributes, own(this.map.aliases, key) ?? key);
  }

  private resolveKey(path: AttrPath, scope: Scope, written: string): string {
    if (path.schema !== undefined && (scope.prefix !== '' || !this.map.schemas.includes(path.schema.toLowerCase()))) {
      throw this.notFilterable(written);
    }
    // RFC 7643 §2.1: attribute names are case-insensitive.
    const name = path.subAttr === undefined ? path.attr : `${path.attr}.${path.subAttr}`;
    return `${scope.prefix}${name}`.toLowerCase();
  }

  /**
   * A condition on the rows of a multi-valued table, always as `i.id IN (SELECT fk …)`. With an indexed
   * equality the index finds the few matching rows (`WHERE value = ?`, uncorrelated). Otherwise the
   * subquery is correlated (`WHERE fk = i.id AND …`): each identity of the scope is checked through the
   * foreign-key index, where an uncorrelated `co` would read every email of every scope (on SQLite,
   * 33 ms instead of 0.7 ms for a scope of 1,000 identities in a database of 100,000).
   *
   * Never `EXISTS (…)`: SQLite 3.52.0 (bundled by sqlite3 6.0.1) turns an EXISTS that is ANDed into the
   * WHERE clause into a join (its EXISTS-to-JOIN step, which only rewrites EXISTS) and then counts
   * OFFSET once per matching email instead of once per identity, so pages repeat and skip people and
   * `totalResults` changes between pages. The foreign key and ids are NOT NULL, so `NOT (id IN …)` is
   * the exact complement.
   */
  private subquery(multi: MultiValuedTable, alias: string, condition: string, indexed: boolean): string {
    const { table, foreignKey } = multi;
    const root = `${this.map.rootAlias}.id`;
    if (indexed) return `${root} IN (SELECT ${alias}.${foreignKey} FROM ${table} ${alias} WHERE ${condition})`;
    return `${root} IN (SELECT ${alias}.${foreignKey} FROM ${table} ${alias} WHERE ${alias}.${foreignKey} = ${root} AND ${condition})`;
  }

  /** NULL-able columns: `col IS NOT NULL AND …` so the predicate is FALSE, never NULL. */
  private guard(attribute: FilterAttribute, column: string, sql: string): string {
    return attribute.nullable ? `(${column} IS NOT NULL AND ${sql})` : sql;
  }

  /** Numbers each subquery's aliases, and enforces MAX_FILTER_SUBQUERIES. */
  private nextAlias(): number {
    if (this.aliasCount >= MAX_FILTER_SUBQUERIES) {
      throw invalidFilter(`Filter is too complex: more than ${MAX_FILTER_SUBQUERIES} conditions on emails or userName equality; split it into several requests`);
    }
    return this.aliasCount++;
  }

  private param(value: unknown): string {
    const name = `${this.prefix}${this.paramCount++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  private written(path: AttrPath, scope: Scope): string {
    const name = path.subAttr === undefined ? path.attr : `${path.attr}.${path.subAttr}`;
    return path.schema !== undefined ? `${path.schema}:${name}` : `${scope.written}${name}`;
  }

  private notFilterable(written: string): DomainError {
    return invalidFilter(`Attribute ${quote(written)} is not filterable; filterable attributes are ${filterableNames(this.map).join(', ')}`);
  }
}
