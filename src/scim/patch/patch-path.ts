/**
 * PATCH paths (RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`) and pathless value keys
 * (Entra's aadOptscim062020 flattened keys such as `name.givenName` or
 * `urn:…:enterprise:2.0:User:employeeNumber`) resolved against the User schema and a stored doc.
 */
import { DomainError } from '../../common/domain-error.js';
import { CORE_USER, USER_SCHEMAS, findAttribute, findSubAttribute, type AttributeDefinition, type SchemaDefinition } from '../schema/user-schema.js';
import { isPlainObject, keyOf, own, type JsonObject } from './user-doc.js';
import { parseValueFilter, type ValueFilter } from './value-filter.js';

/** One attribute (optionally filtered, optionally a sub-attribute) of the stored doc. */
export interface AttributeTarget {
  readonly kind: 'attribute';
  /** The doc key of the extension object holding the attribute; undefined for top-level ones. */
  readonly container?: string;
  /** The attribute's key: the canonical name when the schema knows it, else as sent. */
  readonly name: string;
  readonly def?: AttributeDefinition;
  readonly filter?: ValueFilter;
  readonly sub?: { readonly name: string; readonly def?: AttributeDefinition };
}

/** A whole schema's attributes at once: `urn:…:enterprise:2.0:User` with an object value. */
export interface SchemaTarget {
  readonly kind: 'schema';
  readonly schema: SchemaDefinition;
}

export type PatchTarget = AttributeTarget | SchemaTarget;

// RFC 7643 §2.1 ATTRNAME, plus `$ref` (a sub-attribute name RFC 7643 itself uses).
const ATTR_NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;

const invalid = (message: string): never => {
  throw new DomainError('invalid_path', message);
};

/** Index of the `]` closing the `[` at `open`, skipping quoted strings (values may contain `]`). */
function closingBracket(path: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ']') return i;
  }
  return -1;
}

function schemaEntries(doc: JsonObject): string[] {
  const schemas = own(doc, 'schemas');
  return Array.isArray(schemas) ? schemas.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * Resolves `raw` against the schema and `doc`. `value` is consulted only for URNs the schema does not
 * know: an object value (or a URN the doc already holds or lists in `schemas`) names a whole
 * extension object kept as sent; otherwise the last `:` separates the extension from the attribute.
 */
export function parsePatchPath(raw: string, doc: JsonObject, value?: unknown): PatchTarget {
  const path = raw.trim();
  if (path === '') invalid('path is empty');

  let attrPath = path;
  let filterText: string | undefined;
  let tailSub: string | undefined;
  const open = path.indexOf('[');
  if (open >= 0) {
    const close = closingBracket(path, open);
    if (close < 0) invalid('"[" without a matching "]"');
    attrPath = path.slice(0, open);
    filterText = path.slice(open + 1, close);
    const tail = path.slice(close + 1);
    if (tail !== '') {
      if (!tail.startsWith('.') || !ATTR_NAME.test(tail.slice(1))) {
        invalid(`unexpected "${tail}" after "]"; only ".subAttribute" may follow a filter`);
      }
      tailSub = tail.slice(1);
    }
  }

  let schema: SchemaDefinition | undefined;
  let container: string | undefined;
  let rest = attrPath;
  if (/^urn:/i.test(attrPath)) {
    const lower = attrPath.toLowerCase();
    const whole = USER_SCHEMAS.find((s) => s.id.toLowerCase() === lower);
    if (whole) {
      if (filterText !== undefined) invalid('a schema URN cannot take a filter');
      return { kind: 'schema', schema: whole };
    }
    schema = USER_SCHEMAS.find((s) => lower.startsWith(`${s.id.toLowerCase()}:`));
    if (schema) {
      rest = attrPath.slice(schema.id.length + 1);
    } else {
      const held = keyOf(doc, attrPath) ?? schemaEntries(doc).find((s) => s.toLowerCase() === lower);
      const cut = attrPath.lastIndexOf(':');
      const attr = attrPath.slice(cut + 1);
      const urn = attrPath.slice(0, cut);
      const splittable = /^urn:[^:]+:./i.test(urn) && ATTR_NAME.test(attr.split('.')[0]);
      if (held !== undefined || isPlainObject(value) || !splittable) {
        // An unknown extension (or attribute) as a whole, stored under the key as sent.
        return target(undefined, keyOf(doc, attrPath) ?? attrPath, undefined, filterText, tailSub);
      }
      container = keyOf(doc, urn) ?? urn;
      rest = attr;
    }
  }

  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) {
    invalid(`"${rest}" is not an attribute name or "attribute.subAttribute"`);
  }
  if (parts.length === 2 && (filterText !== undefined || tailSub !== undefined)) {
    invalid('a filter must follow the attribute name, not a sub-attribute');
  }
  const subName = parts[1] ?? tailSub;

  const found = findAttribute(parts[0], schema?.id);
  if (found) {
    const holder = found.schema === CORE_USER ? undefined : (keyOf(doc, found.schema.id) ?? found.schema.id);
    return target(holder, found.attribute.name, found.attribute, filterText, subName);
  }
  // Unknown attribute: matched against what the doc already holds, else kept as sent.
  if (schema && schema !== CORE_USER) container = keyOf(doc, schema.id) ?? schema.id;
  const holderObj = container === undefined ? doc : own(doc, container);
  const name = (isPlainObject(holderObj) ? keyOf(holderObj, parts[0]) : undefined) ?? parts[0];
  return target(container, name, undefined, filterText, subName);
}

function target(container: string | undefined, name: string, def: AttributeDefinition | undefined, filterText: string | undefined, subName: string | undefined): AttributeTarget {
  if (filterText !== undefined && def && !def.multiValued) {
    invalid(`"${name}" is not multi-valued, so it cannot take a filter`);
  }
  if (subName !== undefined && def && def.type !== 'complex') {
    invalid(`"${name}" has no sub-attributes`);
  }
  const subDef = subName !== undefined && def ? findSubAttribute(def, subName) : undefined;
  return {
    kind: 'attribute',
    ...(container !== undefined ? { container } : {}),
    name,
    ...(def ? { def } : {}),
    ...(filterText !== undefined ? { filter: parseValueFilter(filterText) } : {}),
    ...(subName !== undefined ? { sub: { name: subDef?.name ?? subName, ...(subDef ? { def: subDef } : {}) } } : {}),
  };
}
