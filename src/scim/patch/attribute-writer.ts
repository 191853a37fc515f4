/**
 * Writes one attribute (or a set of them) into a User doc with RFC 7644 §3.5.2 semantics. PATCH
 * operations and POST/PUT bodies share it, so all three normalise identically: canonical names,
 * string booleans coerced, nulls dropped, readOnly and writeOnly attributes kept out.
 */
import { DomainError, isDomainError } from '../../common/domain-error.js';
import { CORE_USER, findAttribute, findSubAttribute, type AttributeDefinition, type SchemaDefinition } from '../schema/user-schema.js';
import { parsePatchPath, type AttributeTarget, type PatchTarget } from './patch-path.js';
import { deepEqual, isEmptyCollection, isNoValue, isPlainObject, keyOf, own, preview, setOwn, stripNulls, type JsonObject } from './user-doc.js';
import { filterEqualities, matchesValueFilter } from './value-filter.js';

export type PatchOpName = 'add' | 'replace' | 'remove';

/**
 * 'patch': readOnly attributes are refused (RFC 7644 §3.5.2, mutability), `id` is an alias of
 * externalId (both are the extern_uid), `schemas` is left alone, userName/externalId cannot be
 * cleared. 'document' (POST/PUT bodies): readOnly attributes, `id` and `meta` are ignored
 * (RFC 7644 §3.3, §3.5.1; Okta PUTs back what it read), `schemas` is kept as sent.
 */
export type WriteMode = 'patch' | 'document';

const invalidValue = (message: string): never => {
  throw new DomainError('invalid_value', message);
};

/**
 * Values per multi-valued attribute. Emails become one indexed row each, written in one statement
 * whose bound parameters the databases cap (SQLite 32,766, PostgreSQL 65,535); no person has 100.
 */
export const MAX_MULTI_VALUES = 100;

function checkCount(def: AttributeDefinition | undefined, list: unknown[], label: string): void {
  if (def?.multiValued && list.length > MAX_MULTI_VALUES) {
    invalidValue(`${label} holds ${list.length} values; at most ${MAX_MULTI_VALUES} are accepted`);
  }
}

/** A pathless value object (RFC 7644 §3.5.2.1/§3.5.2.3), or a POST/PUT body: every key is a path. */
export function writeObject(doc: JsonObject, value: unknown, op: 'add' | 'replace', mode: WriteMode, schema?: SchemaDefinition): void {
  if (!isPlainObject(value)) {
    invalidValue(`the value must be an object of attributes, got ${preview(value)}`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    let target: PatchTarget;
    try {
      target = parsePatchPath(schema ? `${schema.id}:${key}` : key, doc, v);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      if (mode === 'document') {
        // An odd key in a POST/PUT body (`"my attr"`) is an unknown attribute: stored as sent.
        const holder = schema && schema !== CORE_USER ? ensureObject(doc, keyOf(doc, schema.id) ?? schema.id) : doc;
        if (!isNoValue(v)) setOwn(holder, key, stripNulls(v));
        continue;
      }
      throw new DomainError(e.code, `attribute ${JSON.stringify(key)}: ${e.message}`, e.options);
    }
    writeTarget(doc, target, op, v, mode);
  }
}

export function writeTarget(doc: JsonObject, target: PatchTarget, op: PatchOpName, value: unknown, mode: WriteMode): void {
  if (target.kind === 'schema') {
    if (op !== 'remove' && !isNoValue(value)) return writeObject(doc, value, op, mode, target.schema);
    if (target.schema === CORE_USER) throw new DomainError('invalid_path', 'the core User schema cannot be removed');
    const key = keyOf(doc, target.schema.id);
    if (key !== undefined) delete doc[key];
    return;
  }
  const t = admit(doc, target, value, mode);
  if (!t) return;
  if (t.filter) return writeFiltered(doc, t, op, value);
  if (t.sub) return writeSub(doc, t, op, value);
  return writeWhole(doc, t, op, value, mode);
}

/** Applies mutability rules; undefined means "accept and ignore". */
function admit(doc: JsonObject, t: AttributeTarget, value: unknown, mode: WriteMode): AttributeTarget | undefined {
  if (t.container === undefined && !t.def && t.name.toLowerCase() === 'schemas') {
    if (mode === 'document' && !isNoValue(value)) {
      if (!Array.isArray(value) || !value.every((s) => s === null || typeof s === 'string')) {
        invalidValue('schemas must be an array of schema URNs');
      }
      setOwn(doc, 'schemas', stripNulls(value));
    }
    return undefined;
  }
  if (t.def?.name === 'password') return undefined; // accepted and discarded: never stored, logged or returned
  if (t.def?.name === 'id' && t.container === undefined) {
    if (mode === 'document') return undefined;
    return { ...t, name: 'externalId', def: findAttribute('externalId')!.attribute };
  }
  const readOnly = t.def?.mutability === 'readOnly' ? t.name : t.sub?.def?.mutability === 'readOnly' ? `${t.name}.${t.sub.name}` : undefined;
  if (readOnly === undefined) return t;
  if (mode === 'document') return undefined;
  throw new DomainError('mutability', `"${readOnly}" is readOnly and cannot be changed`);
}

function writeWhole(doc: JsonObject, t: AttributeTarget, op: PatchOpName, value: unknown, mode: WriteMode): void {
  const current = read(doc, t);
  const multi = t.def ? t.def.multiValued : Array.isArray(current);
  if (op === 'remove' && multi && !isNoValue(value) && Array.isArray(current)) {
    // Entra's removal shape `{"op":"Remove","path":"members","value":[{"value":"…"}]}`: the listed values go.
    const wanted = normalizeList(t.def, value, t.name);
    return write(
      doc,
      t,
      current.filter((el) => !wanted.some((w) => contains(el, w))),
    );
  }
  if (op === 'remove' || isNoValue(value)) {
    if (mode === 'patch' && t.container === undefined && (t.name === 'userName' || t.name === 'externalId')) {
      invalidValue(t.name === 'userName' ? 'userName is required and cannot be removed' : "externalId is the identity's extern_uid and cannot be removed");
    }
    return write(doc, t, undefined);
  }
  if (multi) {
    const items = normalizeList(t.def, value, t.name);
    if (op === 'add' && Array.isArray(current)) {
      // RFC 7644 §3.5.2.1: add appends to a multi-valued attribute; an exact duplicate is not added twice.
      const added = items.filter((item, i) => !current.some((e) => deepEqual(e, item)) && items.findIndex((o) => deepEqual(o, item)) === i);
      const merged = [...current, ...added];
      demoteOtherPrimaries(merged, added);
      return write(doc, t, merged);
    }
    return write(doc, t, items);
  }
  if (t.def?.type === 'complex' || (!t.def && isPlainObject(current) && isPlainObject(value))) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes absent from the value are left unchanged.
    const obj = isPlainObject(current) ? current : {};
    mergeComplex(t.def, obj, t.def ? complexShape(t.def, value, t.name) : (value as JsonObject), t.name);
    return write(doc, t, obj);
  }
  write(doc, t, normalizeValue(t.def, value, t.name));
}

/** `name.givenName`, `manager.value`, `emails.value` (the latter on every element). */
function writeSub(doc: JsonObject, t: AttributeTarget, op: PatchOpName, value: unknown): void {
  const sub = t.sub!;
  const label = `${t.name}.${sub.name}`;
  const current = read(doc, t);
  const clearing = op === 'remove' || isNoValue(value);
  if (t.def ? t.def.multiValued : Array.isArray(current)) {
    const elements = Array.isArray(current) ? current : [];
    if (clearing) return write(doc, t, clearSub(t, elements, elements));
    const v = normalizeValue(sub.def, value, label);
    if (elements.length === 0) return write(doc, t, [{ [subKey({}, t)]: v }]);
    for (const el of elements) if (isPlainObject(el)) setOwn(el, subKey(el, t), v);
    return write(doc, t, elements);
  }
  if (current !== undefined && !isPlainObject(current)) {
    throw new DomainError('invalid_path', `"${t.name}" is not a complex attribute`);
  }
  const obj = isPlainObject(current) ? current : {};
  const key = subKey(obj, t);
  if (clearing) delete obj[key];
  else setOwn(obj, key, normalizeValue(sub.def, value, label));
  write(doc, t, obj);
}

/** `emails[type eq "work"]`, `emails[type eq "work"].value` (RFC 7644 §3.5.2 valuePath). */
function writeFiltered(doc: JsonObject, t: AttributeTarget, op: PatchOpName, value: unknown): void {
  const current = read(doc, t);
  if (current !== undefined && !Array.isArray(current)) {
    throw new DomainError('invalid_path', `"${t.name}" is not multi-valued, so it cannot take a filter`);
  }
  const elements: unknown[] = current ? [...current] : [];
  const matches = elements.filter((el) => matchesValueFilter(t.filter!, el)) as JsonObject[];
  if (op === 'remove' || isNoValue(value)) {
    // Removing what is not there is a no-op, so an IdP's retried removal still succeeds.
    if (t.sub) return write(doc, t, clearSub(t, elements, matches));
    return write(
      doc,
      t,
      elements.filter((el) => !matches.includes(el as JsonObject)),
    );
  }
  const pinned = filterEqualities(t.filter!);
  const base = (): JsonObject => (pinned ? elementOf(t.def, pinned, t.name) : {});
  const label = t.sub ? `${t.name}.${t.sub.name}` : t.name;
  // One element of the list is addressed, so a one-element list stands for that element.
  const single = !t.sub && Array.isArray(value) && value.length === 1 ? value[0] : value;
  const v = t.sub ? normalizeValue(t.sub.def, value, label) : elementOf(t.def, single, label);
  const touched: JsonObject[] = [];
  if (matches.length === 0) {
    // RFC 7644 §3.5.2.3 says noTarget, but Entra sends `Replace emails[type eq "work"].value` to users
    // with no work email yet (idp-clients.md §5 F.71): a filter that pins the element down creates it.
    if (!pinned) {
      throw new DomainError('no_target', `no value of "${t.name}" matches the filter, and the filter does not describe a new one`);
    }
    const created = base();
    if (t.sub) setOwn(created, subKey(created, t), v);
    else Object.assign(created, v);
    elements.push(created);
    touched.push(created);
  }
  for (const m of matches) {
    if (t.sub) {
      setOwn(m, subKey(m, t), v);
      touched.push(m);
    } else if (op === 'replace') {
      // RFC 7644 §3.5.2.3: matching values are replaced; the filter's own `type` is kept if the value omits it.
      const replacement = { ...base(), ...(v as JsonObject) };
      elements[elements.indexOf(m)] = replacement;
      touched.push(replacement);
    } else {
      mergeComplex(t.def, m, v as JsonObject, label);
      touched.push(m);
    }
  }
  demoteOtherPrimaries(elements, touched);
  write(doc, t, elements);
}

/** Clears the sub-attribute on `targets`; elements left empty, or without their `value`, are dropped. */
function clearSub(t: AttributeTarget, elements: unknown[], targets: unknown[]): unknown[] {
  const key = t.sub!.def?.name;
  // RFC 7643 §2.4: `value` is what an element is; an email without its address is nothing.
  const valueless = key === 'value' && !!t.def && !!findSubAttribute(t.def, 'value');
  const dropped = new Set<unknown>();
  for (const el of targets) {
    if (!isPlainObject(el)) continue;
    delete el[subKey(el, t)];
    if (valueless || Object.keys(el).length === 0) dropped.add(el);
  }
  return elements.filter((el) => !dropped.has(el));
}

function subKey(el: JsonObject, t: AttributeTarget): string {
  return t.sub!.def?.name ?? keyOf(el, t.sub!.name) ?? t.sub!.name;
}

/** RFC 7644 §3.5.2: setting `primary` true on one value sets it false on the others. */
function demoteOtherPrimaries(elements: unknown[], touched: unknown[]): void {
  if (!touched.some((el) => isPlainObject(el) && el.primary === true)) return;
  for (const el of elements) {
    if (isPlainObject(el) && el.primary === true && !touched.includes(el)) el.primary = false;
  }
}

/** Does `element` carry every (case-insensitive for strings) sub-attribute value of `wanted`? */
function contains(element: unknown, wanted: unknown): boolean {
  if (!isPlainObject(element) || !isPlainObject(wanted)) return deepEqual(element, wanted);
  return Object.entries(wanted).every(([k, w]) => {
    const key = keyOf(element, k);
    const e = key === undefined ? undefined : element[key];
    return typeof e === 'string' && typeof w === 'string' ? e.toLowerCase() === w.toLowerCase() : deepEqual(e, w);
  });
}

// ---- values ----------------------------------------------------------------------------------

export function normalizeValue(def: AttributeDefinition | undefined, value: unknown, label: string): unknown {
  if (isNoValue(value)) return undefined;
  if (!def) return stripNulls(value); // unknown attributes are stored as sent
  if (def.multiValued) {
    const items = normalizeList(def, value, label);
    return items.length ? items : undefined;
  }
  return normalizeSingle(def, value, label);
}

function normalizeList(def: AttributeDefinition | undefined, value: unknown, label: string): unknown[] {
  const list = Array.isArray(value) ? value : [value];
  if (!def) return stripNulls(list);
  checkCount(def, list, label);
  return list.map((v) => normalizeSingle(def, v, label)).filter((v) => v !== undefined);
}

function elementOf(def: AttributeDefinition | undefined, value: unknown, label: string): JsonObject {
  if (!def) {
    if (!isPlainObject(value)) return invalidValue(`${label} must be an object, got ${preview(value)}`);
    return stripNulls(value);
  }
  return (normalizeSingle(def, value, label) as JsonObject | undefined) ?? {};
}

function normalizeSingle(def: AttributeDefinition, value: unknown, label: string): unknown {
  if (isNoValue(value)) return undefined;
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra (without aadOptscim062020) sends "True"/"False"; Microsoft's reference server parses them.
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return invalidValue(`${label} must be a boolean (true or false), got ${preview(value)}`);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return invalidValue(`${label} must be an integer, got ${preview(value)}`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      return invalidValue(`${label} must be a number, got ${preview(value)}`);
    case 'complex': {
      const obj: JsonObject = {};
      mergeComplex(def, obj, complexShape(def, value, label), label);
      return Object.keys(obj).length ? obj : undefined;
    }
    default:
      if (typeof value !== 'string') return invalidValue(`${label} must be a string, got ${preview(value)}`);
      if (def.name === 'userName' && value.trim() === '') return invalidValue('userName must not be blank');
      if (def.maxLength !== undefined && value.length > def.maxLength) {
        return invalidValue(`${label} is longer than ${def.maxLength} characters`);
      }
      return value;
  }
}

function complexShape(def: AttributeDefinition, value: unknown, label: string): JsonObject {
  if (isPlainObject(value)) return value;
  // Entra's older manager mapping sends `[{"$ref":…,"value":…}]` for the single-valued manager.
  if (!def.multiValued && Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) return value[0];
  // A bare value for an attribute that has a `value` sub-attribute: manager "<id>", emails ["a@b.c"].
  if (typeof value === 'string' && findSubAttribute(def, 'value')) return { value };
  return invalidValue(`${label} must be an object, got ${preview(value)}`);
}

function mergeComplex(def: AttributeDefinition | undefined, target: JsonObject, source: JsonObject, label: string): void {
  for (const [k, v] of Object.entries(source)) {
    const sub = def ? findSubAttribute(def, k) : undefined;
    if (sub?.mutability === 'readOnly') continue; // e.g. manager.displayName: the server's to fill in
    const key = sub?.name ?? keyOf(target, k) ?? k;
    const nv = normalizeValue(sub, v, `${label}.${key}`);
    if (nv === undefined) delete target[key];
    else setOwn(target, key, nv);
  }
}

// ---- locations -------------------------------------------------------------------------------

function ensureObject(doc: JsonObject, key: string): JsonObject {
  const existing = own(doc, key);
  if (isPlainObject(existing)) return existing;
  const fresh: JsonObject = {};
  setOwn(doc, key, fresh);
  return fresh;
}

function read(doc: JsonObject, t: AttributeTarget): unknown {
  const holder = t.container === undefined ? doc : own(doc, t.container);
  return isPlainObject(holder) ? own(holder, t.name) : undefined;
}

/** Writes, or deletes when the value is unassigned (RFC 7643 §2.5); an emptied extension goes too. */
function write(doc: JsonObject, t: AttributeTarget, value: unknown): void {
  if (Array.isArray(value)) checkCount(t.def, value, t.name);
  if (value !== undefined && !isEmptyCollection(value)) {
    setOwn(t.container === undefined ? doc : ensureObject(doc, t.container), t.name, value);
    return;
  }
  const holder = t.container === undefined ? doc : own(doc, t.container);
  if (!isPlainObject(holder)) return;
  delete holder[t.name];
  if (t.container !== undefined && Object.keys(holder).length === 0) delete doc[t.container];
}
