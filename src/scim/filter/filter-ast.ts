/**
 * The SCIM filter AST (RFC 7644 §3.4.2.2). Produced by `parseFilter`, consumed by the SQL compiler.
 * Attribute names keep the spelling the client sent; resolution is case-insensitive (RFC 7643 §2.1)
 * and happens in the compiler, which knows the schema.
 */

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

/** compValue = false / null / true / number / string */
export type FilterValue = string | number | boolean | null;

/**
 * attrPath = [URI ":"] ATTRNAME *1subAttr, e.g.
 * `urn:ietf:params:scim:schemas:core:2.0:User:name.givenName` → schema, attr `name`, subAttr `givenName`.
 */
export interface AttrPath {
  schema?: string;
  attr: string;
  subAttr?: string;
}

export interface CompareNode {
  kind: 'compare';
  attr: AttrPath;
  op: CompareOperator;
  value: FilterValue;
  /**
   * Source text of a value written without quotes (a number, true/false/null, or a bare word such as
   * `externalId eq jyoung` from Microsoft's docs). Lets the compiler use `0012` or `1.50` verbatim when
   * the attribute is a string.
   */
  raw?: string;
}

export interface PresentNode {
  kind: 'present';
  attr: AttrPath;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  left: FilterNode;
  right: FilterNode;
}

export interface NotNode {
  kind: 'not';
  expr: FilterNode;
}

/**
 * valuePath = attrPath "[" valFilter "]", e.g. `emails[type eq "work" and value co "@x"]`.
 * Attribute paths inside `filter` (and in `subAttrExpr`) are relative to `attr`.
 *
 * `subAttrExpr` holds the sub-attribute form `emails[type eq "work"].value eq "x"` (the PATCH path
 * syntax of RFC 7644 §3.5.2 used as a filter, which Entra sends): it holds when one element matches
 * `filter` and its sub-attribute satisfies the comparison.
 */
export interface ValuePathNode {
  kind: 'valuePath';
  attr: AttrPath;
  filter: FilterNode;
  subAttrExpr?: CompareNode | PresentNode;
}

export type FilterNode = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;
