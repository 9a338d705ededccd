// Guard of "one source for shapes": the web's API types come from the server's TypeBox schemas, and
// nothing but types crosses from the server into the browser bundle.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const WEB = path.resolve(import.meta.dirname, '..');
const MODULES = path.resolve(WEB, '../server/modules');
// The one server file the web may import values from: the navigation, dependency-free (checked below).
const NAVIGATION = path.join(MODULES, 'nav.ts');
const FEATURES = path.join(WEB, 'features');

// The only hand-written types an api.ts may declare: they describe no API body.
const VIEW_ONLY: Record<string, string> = {
  // The people list's filter state (turned into query parameters by the page query).
  'people/api.ts:PeopleFilters': 'view state',
  // Which of the two group screens (tags or lists) a component serves.
  'settings/api.ts:GroupKind': 'UI enum',
  // Derived from the server's roles and policy by their own change; left as they are here.
  'session/api.ts:Role': 'from the server policy',
  'session/api.ts:Permission': 'from the server policy',
};

function parse(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
}

function sourceOf(file: string): ts.SourceFile {
  return parse(file, readFileSync(file, 'utf8'));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
}

/** Does the type mention `typeof <a schema>` or one of the names already known to be derived? */
function isDerived(node: ts.Node, derived: Set<string>): boolean {
  if (ts.isTypeQueryNode(node)) return true;
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && derived.has(node.typeName.text)) return true;
  return ts.forEachChild(node, (child) => isDerived(child, derived) || undefined) ?? false;
}

/** The types of a module that derive from no schema: interfaces, and aliases with no `typeof` behind them. */
function underivedTypes(source: ts.SourceFile): string[] {
  const aliases = source.statements.filter(ts.isTypeAliasDeclaration);
  const derived = new Set<string>();
  // Aliases may derive from one another (Person, then PostalAddress = Person['postal_addresses'][number]).
  for (let grew = true; grew; ) {
    grew = false;
    for (const alias of aliases) {
      if (!derived.has(alias.name.text) && isDerived(alias.type, derived)) {
        derived.add(alias.name.text);
        grew = true;
      }
    }
  }
  return [
    ...source.statements.filter(ts.isInterfaceDeclaration).map((i) => i.name.text),
    ...aliases.filter((a) => !derived.has(a.name.text)).map((a) => a.name.text),
  ];
}

/** The hand-written API types of one api.ts (those not on the view-only list). */
function handWrittenTypes(file: string): string[] {
  const feature = path.relative(FEATURES, file).split(path.sep).join('/');
  return underivedTypes(sourceOf(file))
    .map((name) => `${feature}:${name}`)
    .filter((key) => !(key in VIEW_ONLY));
}

/** Inline object types given to the API client (`api.get<{ … }>`): shapes written by hand at the call. */
function inlineShapes(file: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.typeArguments) {
      const callee = node.expression.getText();
      if (/^(api\.(get|post|put|patch|delete)|postForm)$/.test(callee)) {
        for (const arg of node.typeArguments) if (ts.isTypeLiteralNode(arg)) found.push(`${callee}<${arg.getText()}>`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceOf(file));
  return found;
}

const apiFiles = readdirSync(FEATURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => path.join(FEATURES, d.name, 'api.ts'))
  .filter((f) => {
    try {
      return readFileSync(f).length > 0;
    } catch {
      return false;
    }
  });

describe('web API shapes come from the server schemas', () => {
  it('finds the api.ts files', () => {
    expect(apiFiles.length).toBeGreaterThan(10);
  });

  it('declares no hand-written request or response type in a feature api.ts', () => {
    expect(apiFiles.flatMap(handWrittenTypes)).toEqual([]);
  });

  it('passes no inline object type to the API client', () => {
    expect(apiFiles.flatMap(inlineShapes)).toEqual([]);
  });

  it('imports only types from the server, so no server code reaches the browser bundle', () => {
    const valueImports = filesUnder(WEB).flatMap((file) =>
      sourceOf(file)
        .statements.filter(ts.isImportDeclaration)
        .filter((d) => ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text.includes('/server/'))
        .filter((d) => path.resolve(path.dirname(file), (d.moduleSpecifier as ts.StringLiteral).text) !== NAVIGATION)
        .filter((d) => {
          const clause = d.importClause;
          if (!clause) return true; // a side-effect import runs server code
          if (clause.isTypeOnly) return false;
          const named = clause.namedBindings;
          return Boolean(clause.name) || !named || !ts.isNamedImports(named) || named.elements.some((e) => !e.isTypeOnly);
        })
        .map((d) => `${path.relative(WEB, file)}: ${d.getText()}`),
    );
    expect(valueImports).toEqual([]);
  });

  it('bundles the navigation without server code: its files import values only from one another', () => {
    // The public site's module lives in server/site (its nav.ts too).
    const siteNav = path.resolve(MODULES, '../site/nav.ts');
    const navFiles = [NAVIGATION, siteNav, ...readdirSync(MODULES).map((m) => path.join(MODULES, m, 'nav.ts'))].filter((f) => {
      try {
        return readFileSync(f).length > 0;
      } catch {
        return false;
      }
    });
    expect(navFiles.length).toBeGreaterThanOrEqual(9);
    const valueImports = navFiles.flatMap((file) =>
      sourceOf(file)
        .statements.filter(ts.isImportDeclaration)
        .filter((d) => !d.importClause?.isTypeOnly)
        .filter((d) => !navFiles.includes(path.resolve(path.dirname(file), (d.moduleSpecifier as ts.StringLiteral).text)))
        .map((d) => `${path.relative(MODULES, file)}: ${d.getText()}`),
    );
    expect(valueImports).toEqual([]);
  });

  it('tells a derived type from a hand-written one', () => {
    const probe = parse(
      'probe.ts',
      "type B = A['b']; type A = Shape<typeof X>; type C = { id: string }; type E = C['id']; interface D { id: string }",
    );
    expect(underivedTypes(probe)).toEqual(['D', 'C', 'E']);
  });
});
