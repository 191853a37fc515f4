/**
 * roster/no-parallel-tx: the statements of one transaction run one after another.
 *
 * A transaction body gets one handle (`db.transaction(async (tx) => …)`, type `Tx`). Statements
 * started on it at the same time and awaited with Promise.all fail badly: the first rejection
 * settles Promise.all, the body throws and the transaction rolls back while the other statements
 * are still queued on the connection, so they run after the ROLLBACK, outside any transaction.
 * This rule makes that impossible to write by accident; a deliberate exception (a test of the
 * driver's ordering, say) takes an eslint-disable comment that says why.
 *
 * Definitions (purely syntactic, no type information needed, so it also runs on plain JS):
 *
 * - A *transaction handle* is a binding named `tx`, or a function parameter whose type annotation
 *   names the type `Tx` (`em: Tx`, `em?: Tx`, `em: Tx | undefined`, `em: db.Tx`), whatever its name.
 * - A *Promise combinator call* is `Promise.all(…)`, `Promise.allSettled(…)`, `Promise.race(…)` or
 *   `Promise.any(…)` (also written `Promise['all'](…)`).
 *
 * Reported:
 *
 * 1. A Promise combinator call inside a function (at any depth of nesting) that declares a
 *    transaction-handle parameter: the handle is in scope, so the parallel work may use it. This
 *    covers the transaction body itself and every helper that takes `tx: Tx`.
 * 2. A Promise combinator call whose arguments mention a transaction handle: an identifier `tx`, or
 *    an identifier bound to a `Tx`-typed parameter (`Promise.all(ids.map((id) => load(tx, id)))`
 *    outside any such function, e.g. `const tx = runner.manager`). Property names (`a.tx`,
 *    `{ tx: 1 }`) are not mentions.
 * 3. Importing `together` from src/database/together.js (named import, namespace import, or
 *    re-export), resolved against the importing file: that helper runs statements of one
 *    transaction concurrently and is being removed. Option `{ allowTogetherImport: true }` turns
 *    this check off for the files that still use it.
 *
 * Not covered (this guards against accidents, not against determined code): combinators reached
 * through an alias (`const all = Promise.all.bind(Promise)`), handles of another name and type
 * (`manager: EntityManager`), and parallel work started with `.then` chains or left unawaited.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
const HANDLE_NAME = 'tx';
const HANDLE_TYPE = 'Tx';
/** src/database/together.js of this repository, without its extension. */
const TOGETHER_MODULE = fileURLToPath(new URL('../src/database/together', import.meta.url));

/** `Promise.all` / `Promise['all']` → 'all'; anything else → null. */
function combinatorName(callee) {
  if (callee.type === 'ChainExpression') callee = callee.expression;
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'Identifier' || callee.object.name !== 'Promise') return null;
  const name = callee.computed ? (callee.property.type === 'Literal' ? callee.property.value : null) : callee.property.name;
  return COMBINATORS.has(name) ? name : null;
}

/** True when a type annotation names `Tx` (`Tx`, `ns.Tx`, or a union/intersection with one). */
function namesTxType(type) {
  if (!type) return false;
  switch (type.type) {
    case 'TSTypeAnnotation':
      return namesTxType(type.typeAnnotation);
    case 'TSTypeReference':
      return (type.typeName.type === 'Identifier' && type.typeName.name === HANDLE_TYPE) || (type.typeName.type === 'TSQualifiedName' && type.typeName.right.name === HANDLE_TYPE);
    case 'TSUnionType':
    case 'TSIntersectionType':
      return type.types.some(namesTxType);
    default:
      return false;
  }
}

/** The identifiers a parameter pattern binds, each with the type annotation that applies to it. */
function boundIdentifiers(pattern, out = []) {
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern);
      break;
    case 'AssignmentPattern':
      boundIdentifiers(pattern.left, out);
      break;
    case 'RestElement':
      boundIdentifiers(pattern.argument, out);
      break;
    case 'TSParameterProperty':
      boundIdentifiers(pattern.parameter, out);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) boundIdentifiers(element, out);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties) boundIdentifiers(property.type === 'RestElement' ? property : property.value, out);
      break;
  }
  return out;
}

/** True for a parameter that binds a transaction handle: named `tx` or annotated `Tx`. */
function isHandleParam(param) {
  return boundIdentifiers(param).some((id) => id.name === HANDLE_NAME || namesTxType(id.typeAnnotation));
}

const isFunction = (node) => node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';

/** True when `node` is an identifier used as a value (not a property name or object key). */
function isReference(node) {
  const parent = node.parent;
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return false;
  if (parent.type === 'Property' && parent.key === node && !parent.computed && !parent.shorthand) return false;
  if ((parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === node && !parent.computed) return false;
  return true;
}

/** True when the variable `name` seen from `scope` is a parameter annotated `Tx`. */
function boundToTxParam(scope, name) {
  for (let s = scope; s; s = s.upper) {
    const variable = s.set.get(name);
    if (variable) return variable.defs.some((def) => def.type === 'Parameter' && namesTxType(def.name.typeAnnotation));
  }
  return false;
}

/** The first identifier in `node`'s subtree that refers to a transaction handle, or null. */
function mentionedHandle(node, sourceCode) {
  const keys = sourceCode.visitorKeys;
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current.type === 'Identifier' && isReference(current)) {
      if (current.name === HANDLE_NAME || boundToTxParam(sourceCode.getScope(current), current.name)) return current;
    }
    for (const key of keys[current.type] ?? []) {
      const child = current[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c) stack.push(c);
      } else if (child && typeof child.type === 'string') {
        stack.push(child);
      }
    }
  }
  return null;
}

/** The absolute path an import source names, without a .js/.ts extension (null when not relative). */
function resolvedModule(source, filename) {
  if (typeof source !== 'string' || !(source.startsWith('./') || source.startsWith('../'))) return null;
  return path.resolve(path.dirname(filename), source).replace(/\.(js|ts|mjs|mts)$/, '');
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid running statements of one transaction concurrently (Promise.all & co. over a `tx`, importing together())' },
    schema: [{ type: 'object', properties: { allowTogetherImport: { type: 'boolean' } }, additionalProperties: false }],
    defaultOptions: [{ allowTogetherImport: false }],
    messages: {
      inTransaction:
        'Promise.{{name}}() inside a function that holds the transaction handle `{{handle}}`: statements of one transaction must run one after another (await each in turn). A rejection would roll back while the others still run, outside the transaction.',
      overHandle:
        'Promise.{{name}}() over the transaction handle `{{handle}}`: statements of one transaction must run one after another (await each in turn). A rejection would roll back while the others still run, outside the transaction.',
      together: 'together() runs statements of one transaction concurrently and is being removed: await each statement in turn.',
    },
  },

  create(context) {
    const { sourceCode } = context;
    const [{ allowTogetherImport }] = context.options;

    /** The handle parameter of the innermost enclosing function that declares one, or null. */
    function enclosingHandle(node) {
      for (let n = node.parent; n; n = n.parent) {
        if (!isFunction(n)) continue;
        const param = n.params.find(isHandleParam);
        if (param) return boundIdentifiers(param).find((id) => id.name === HANDLE_NAME || namesTxType(id.typeAnnotation));
      }
      return null;
    }

    function checkImport(node) {
      if (allowTogetherImport || !node.source) return;
      if (resolvedModule(node.source.value, context.filename) !== TOGETHER_MODULE) return;
      const specifiers = node.specifiers ?? [];
      const bringsTogether =
        node.type === 'ExportAllDeclaration' ||
        specifiers.some((s) => {
          if (s.type === 'ImportNamespaceSpecifier') return true;
          const imported = s.type === 'ExportSpecifier' ? s.local : s.imported;
          return imported && (imported.name ?? imported.value) === 'together';
        });
      if (bringsTogether) context.report({ node, messageId: 'together' });
    }

    return {
      CallExpression(node) {
        const name = combinatorName(node.callee);
        if (!name) return;
        const param = enclosingHandle(node);
        if (param) {
          context.report({ node, messageId: 'inTransaction', data: { name, handle: param.name } });
          return;
        }
        for (const argument of node.arguments) {
          const handle = mentionedHandle(argument, sourceCode);
          if (handle) {
            context.report({ node, messageId: 'overHandle', data: { name, handle: handle.name } });
            return;
          }
        }
      },
      ImportDeclaration: checkImport,
      ExportNamedDeclaration: checkImport,
      ExportAllDeclaration: checkImport,
    };
  },
};
