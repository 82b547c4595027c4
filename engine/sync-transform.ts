/**
 * Turns a bundled k6 script (one ESM file, k6 imports external) into the body of a module
 * factory, and decides its mode: "sync" when it calls k6's synchronous API (`http.get`,
 * `sleep`, `http.batch`, `res.submitForm`, ...), else "async".
 *
 * In sync mode the program is rewritten so that every call that may block is awaited: a
 * function that makes such a call becomes `async`, the call becomes `(await call)`, and the
 * array methods that take callbacks (`forEach`, `map`, ...) go through an awaiting helper
 * (engine/sync-hof.ts) when their callback may block. Calls known not to block (Math, JSON,
 * string and array methods, k6/encoding, k6/crypto, metrics' add, ...) stay as they are, so a
 * comparator or a formatting helper stays an ordinary function. The rewrite inserts text only
 * within lines, so line numbers stay those of the bundle.
 *
 * TypeScript's parser reads the JavaScript (installed already; no parser of our own).
 */
import MagicString from 'magic-string';
import ts from 'typescript';

export type ScriptMode = 'async' | 'sync';

/** k6 calls that block the VU in k6 (the sync API). */
const BLOCKING: Record<string, ReadonlySet<string>> = {
  k6: new Set(['sleep', 'check', 'group']),
  'k6/http': new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch']),
};
/** Which of them make a script "sync" (check and group are used by async scripts too). */
const SYNC_MARKERS: Record<string, ReadonlySet<string>> = {
  k6: new Set(['sleep']),
  'k6/http': BLOCKING['k6/http']!,
};
/** Methods that only the sync API has (k6/html's form and link helpers make requests). */
const SYNC_METHODS = new Set(['submitForm', 'clickLink']);

const SYNC_GLOBALS = new Set([
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Array', 'Object',
  'Date', 'RegExp', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'encodeURIComponent', 'decodeURIComponent',
  'encodeURI', 'decodeURI', 'escape', 'unescape', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'open',
  '__k6require', 'require', 'fail', 'randomSeed',
]);
const SYNC_OBJECTS = new Set(['Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Date', 'Reflect', 'console', 'Symbol', 'Promise', 'ArrayBuffer', 'Uint8Array']);
/** Method names that never block (strings, arrays, numbers, responses, metrics, jars, selections). */
const NON_BLOCKING_METHODS = new Set([
  'push', 'pop', 'shift', 'unshift', 'slice', 'splice', 'concat', 'join', 'indexOf', 'lastIndexOf', 'includes', 'keys',
  'values', 'entries', 'toString', 'toFixed', 'toPrecision', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd',
  'split', 'substring', 'substr', 'startsWith', 'endsWith', 'padStart', 'padEnd', 'charAt', 'charCodeAt', 'codePointAt',
  'replace', 'replaceAll', 'match', 'matchAll', 'test', 'exec', 'localeCompare', 'repeat', 'at', 'fill', 'reverse', 'sort',
  'hasOwnProperty', 'json', 'html', 'text', 'attr', 'val', 'add', 'toISOString', 'getTime', 'now', 'has', 'get', 'set',
  'cookiesForURL', 'clear', 'delete', 'first', 'last', 'eq', 'size', 'toArray', 'children', 'parent', 'data', 'serialize',
  'serializeArray', 'serializeObject', 'stringify', 'parse', 'isArray', 'floor', 'ceil', 'round', 'random', 'abs', 'min',
  'max', 'freeze', 'assign', 'toJSON', 'digest', 'update', 'log', 'info', 'warn', 'error', 'debug',
  'getAttribute', 'hasAttribute', 'textContent', 'innerHTML', 'nodeName', 'id', 'attributes', 'is', 'closest', 'next', 'prev',
]);
/** Array methods that call a callback: routed through the awaiting helper when it may block. */
const HOF = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'reduce', 'reduceRight', 'flatMap']);

interface Binding { module: string; name: string } // name "*" = the namespace or default object

type FnLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

function isFnLike(n: ts.Node): boolean {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n)
    || ts.isGetAccessor(n) || ts.isSetAccessor(n) || ts.isConstructorDeclaration(n) || ts.isClassStaticBlockDeclaration(n)
    || ts.isPropertyDeclaration(n);
}

function isAsync(n: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

/** Reads the script's k6 imports: local name → module and imported name. */
function importBindings(sf: ts.SourceFile): Map<string, Binding> {
  const b = new Map<string, Binding>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const module = st.moduleSpecifier.text;
    const clause = st.importClause;
    if (!clause) continue;
    if (clause.name) b.set(clause.name.text, { module, name: '*' });
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) b.set(nb.name.text, { module, name: '*' });
    else if (nb) for (const el of nb.elements) b.set(el.name.text, { module, name: (el.propertyName ?? el.name).text });
  }
  return b;
}

/** The k6 API a call reaches, when its callee is a k6 import (`sleep`, `http.get`). */
function k6Target(callee: ts.Expression, bindings: Map<string, Binding>): Binding | undefined {
  if (ts.isIdentifier(callee)) {
    const b = bindings.get(callee.text);
    return b && b.name !== '*' ? b : undefined;
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const b = bindings.get(callee.expression.text);
    if (b && b.name === '*') return { module: b.module, name: callee.name.text };
  }
  return undefined;
}

/** The script's mode: sync when it uses any of k6's synchronous calls. */
export function detectMode(sf: ts.SourceFile, bindings = importBindings(sf)): ScriptMode {
  for (const [, b] of bindings) if (SYNC_MARKERS[b.module]?.has(b.name)) return 'sync';
  let sync = false;
  const visit = (n: ts.Node): void => {
    if (sync) return;
    if (ts.isPropertyAccessExpression(n)) {
      if (SYNC_METHODS.has(n.name.text)) { sync = true; return; }
      if (ts.isIdentifier(n.expression)) {
        const b = bindings.get(n.expression.text);
        if (b?.name === '*' && SYNC_MARKERS[b.module]?.has(n.name.text)) { sync = true; return; }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return sync ? 'sync' : 'async';
}

/** Functions of the script's own, by name, and which of them block (filled by blockingLocals). */
let localFns = new Map<string, ts.Node[]>();
let blockingNames = new Set<string>();

/** Finds which named functions of the script may block, to a fixpoint: a helper that only formats stays sync. */
function blockingLocals(sf: ts.SourceFile, bindings: Map<string, Binding>): void {
  localFns = new Map();
  blockingNames = new Set();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) (localFns.get(n.name.text) ?? localFns.set(n.name.text, []).get(n.name.text)!).push(n);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) {
      (localFns.get(n.name.text) ?? localFns.set(n.name.text, []).get(n.name.text)!).push(n.initializer);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, fns] of localFns) {
      if (blockingNames.has(name)) continue;
      if (fns.some((f) => isAsync(f) || (canBeAsync(f) && bodyBlocksNow(f, bindings)))) { blockingNames.add(name); changed = true; }
    }
  }
}

function mayBlock(call: ts.CallExpression, bindings: Map<string, Binding>): boolean {
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.SuperKeyword || callee.kind === ts.SyntaxKind.ImportKeyword) return false;
  const k6 = k6Target(callee, bindings);
  if (k6) return BLOCKING[k6.module]?.has(k6.name) ?? false;
  if (ts.isIdentifier(callee)) return localFns.has(callee.text) ? blockingNames.has(callee.text) : !SYNC_GLOBALS.has(callee.text);
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    if (name === 'asyncRequest') return false; // the async API: the script awaits it itself
    if (ts.isIdentifier(callee.expression) && SYNC_OBJECTS.has(callee.expression.text)) return false;
    if (NON_BLOCKING_METHODS.has(name)) return false;
    if (HOF.has(name)) return call.arguments.some((a) => argMayBlock(a, bindings));
  }
  return true;
}

/** A callback argument that may block: a function that will be made async, or a reference we cannot see. */
function argMayBlock(a: ts.Expression, bindings: Map<string, Binding>): boolean {
  if (ts.isFunctionExpression(a) || ts.isArrowFunction(a)) return isAsync(a) || bodyBlocks(a, bindings);
  if (ts.isIdentifier(a)) return localFns.has(a.text) ? blockingNames.has(a.text) : !SYNC_GLOBALS.has(a.text);
  return ts.isPropertyAccessExpression(a);
}

/** True when `fn`'s own body (not nested functions, not its parameters) has a call that may block. */
function bodyBlocks(fn: ts.Node, bindings: Map<string, Binding>): boolean {
  // Not memoized: blockingLocals' fixpoint changes the answer while it runs; scripts are small.
  return bodyBlocksNow(fn, bindings);
}

function bodyBlocksNow(fn: ts.Node, bindings: Map<string, Binding>): boolean {
  let found = false;
  const body = (fn as FnLike).body;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (isFnLike(n) && !(ts.isArrowFunction(n) || ts.isFunctionExpression(n))) return;
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      // A callback handed to an array method counts through that call (see mayBlock).
      return;
    }
    if (ts.isCallExpression(n) && mayBlock(n, bindings)) { found = true; return; }
    ts.forEachChild(n, visit);
  };
  if (body) visit(body);
  return found;
}

/** Whether a function may be made async: plain functions and methods, not constructors (`this` in a `function`), generators or accessors. */
function canBeAsync(fn: ts.Node): fn is FnLike {
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) || ts.isMethodDeclaration(fn))) return false;
  if ((fn as ts.FunctionLikeDeclaration).asteriskToken) return false;
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && usesThis(fn)) return false;
  return true;
}

function usesThis(fn: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword) { found = true; return; }
    if (n !== fn && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n))) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
  return found;
}

/** Rewrites blocking calls into awaits (sync mode). */
function awaitBlockingCalls(sf: ts.SourceFile, ms: MagicString, bindings: Map<string, Binding>): void {
  const visit = (n: ts.Node, canAwait: boolean): void => {
    if (isFnLike(n)) {
      let inner = false;
      if (canBeAsync(n)) {
        inner = isAsync(n);
        if (!inner && bodyBlocks(n, bindings)) {
          const at = ts.isMethodDeclaration(n) ? n.name.getStart(sf) : n.getStart(sf);
          ms.appendRight(at, 'async ');
          inner = true;
        }
      }
      const fl = n as ts.FunctionLikeDeclaration;
      for (const p of fl.parameters ?? []) visit(p, false);
      if (ts.isPropertyDeclaration(n)) { if (n.initializer) visit(n.initializer, false); return; }
      if (ts.isClassStaticBlockDeclaration(n)) { visit(n.body, false); return; }
      if (fl.body) visit(fl.body, inner);
      return;
    }
    if (ts.isCallExpression(n) && canAwait && mayBlock(n, bindings)) {
      const parent = skipParens(n.parent);
      const awaited = parent !== undefined && ts.isAwaitExpression(parent);
      if (!awaited) ms.appendRight(n.getStart(sf), '(await ');
      const callee = n.expression;
      if (ts.isPropertyAccessExpression(callee) && !callee.questionDotToken && !n.questionDotToken && HOF.has(callee.name.text) && n.arguments.length > 0) {
        // arr.map(cb, ...) → __k6hof(arr, "map", cb, ...): awaits each callback that returns a promise.
        ms.appendRight(n.getStart(sf), '__k6hof(');
        ms.overwrite(callee.expression.end, n.arguments.pos, `, ${JSON.stringify(callee.name.text)}, `);
      }
      ts.forEachChild(n, (c) => visit(c, canAwait));
      if (!awaited) ms.appendLeft(n.end, ')');
      return;
    }
    ts.forEachChild(n, (c) => visit(c, canAwait));
  };
  for (const st of sf.statements) visit(st, true);
}

function skipParens(n: ts.Node | undefined): ts.Node | undefined {
  while (n && ts.isParenthesizedExpression(n)) n = n.parent;
  return n;
}

/**
 * The factory's source: `(async function (__k6require, __k6hof, console) { ...script... return exports })`,
 * with the script's imports turned into `__k6require` calls and its exports into the returned object.
 */
export function factorySource(bundled: string): { source: string; mode: ScriptMode } {
  const sf = ts.createSourceFile('script.js', bundled, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const bindings = importBindings(sf);
  const mode = detectMode(sf, bindings);
  const ms = new MagicString(bundled);
  if (mode === 'sync') {
    blockingLocals(sf, bindings);
    awaitBlockingCalls(sf, ms, bindings);
  }
  const exported: string[] = [];
  let m = 0;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const v = `__k6m${m++}`;
      const parts = [`const ${v} = __k6require(${JSON.stringify(st.moduleSpecifier.text)});`];
      const clause = st.importClause;
      if (clause?.name) parts.push(`const ${clause.name.text} = ${v}.default !== undefined ? ${v}.default : ${v};`);
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) parts.push(`const ${nb.name.text} = ${v};`);
      else if (nb) for (const el of nb.elements) parts.push(`const ${el.name.text} = ${v}[${JSON.stringify((el.propertyName ?? el.name).text)}];`);
      ms.overwrite(st.getStart(sf), st.end, parts.join(' '));
    } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause) && !st.moduleSpecifier) {
      for (const el of st.exportClause.elements) exported.push(`${JSON.stringify(el.name.text)}: ${(el.propertyName ?? el.name).text}`);
      ms.overwrite(st.getStart(sf), st.end, '');
    } else if (ts.isExportAssignment(st)) {
      ms.overwrite(st.getStart(sf), st.expression.getStart(sf), 'const __k6default = ');
      exported.push('"default": __k6default');
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isVariableStatement(st)) && st.modifiers?.some((x) => x.kind === ts.SyntaxKind.ExportKeyword)) {
      const isDefault = st.modifiers.some((x) => x.kind === ts.SyntaxKind.DefaultKeyword);
      for (const mod of st.modifiers) if (mod.kind === ts.SyntaxKind.ExportKeyword || mod.kind === ts.SyntaxKind.DefaultKeyword) ms.overwrite(mod.getStart(sf), mod.end, '');
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) { if (ts.isIdentifier(d.name)) exported.push(`${JSON.stringify(d.name.text)}: ${d.name.text}`); }
      else if (st.name) exported.push(`${JSON.stringify(isDefault ? 'default' : st.name.text)}: ${st.name.text}`);
    }
  }
  // On a line of its own: the script's lines are the bundle's, one down (script-errors knows).
  ms.prepend('(async function (__k6require, __k6hof, console) { "use strict";\n');
  ms.append(`\nreturn { ${exported.join(', ')} };\n})`);
  return { source: ms.toString(), mode };
}
