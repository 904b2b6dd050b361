/**
 * The public API of every entry point, as a reviewer reads it: each exported name with its kind
 * and its type, one file per entry under api/. test/apiReport.test.ts compares the committed
 * files with the sources, so an API change shows up in review; `npm run api:update` rewrites them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { entryPoints } from '../entryPoints.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function kindOf(symbol: ts.Symbol): string {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Variable) return 'const';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  return 'export';
}

/** Members declared in this repository (not inherited from Error or the DOM), one indented line each. */
function membersOf(checker: ts.TypeChecker, symbol: ts.Symbol, at: ts.Node, flags: ts.TypeFormatFlags): string {
  const own = (member: ts.Symbol) =>
    !member.name.startsWith('__@') &&
    (member.declarations ?? []).some((declaration) => !declaration.getSourceFile().fileName.includes('node_modules'));
  const describe = (member: ts.Symbol) =>
    `\n    ${member.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(member, at), undefined, flags)}`;
  const constructors =
    symbol.flags & ts.SymbolFlags.Class
      ? checker
          .getTypeOfSymbolAtLocation(symbol, at)
          .getConstructSignatures()
          .map((signature) => `\n    new ${checker.signatureToString(signature, undefined, flags)}`)
      : [];
  const instance =
    symbol.flags & ts.SymbolFlags.Class
      ? checker.getTypeOfSymbolAtLocation(symbol, at).getConstructSignatures()[0]?.getReturnType()
      : checker.getTypeAtLocation(at);
  const members = instance ? checker.getPropertiesOfType(instance).filter(own).map(describe) : [];
  return [...constructors, ...members].join('');
}

/** One line per exported name: `kind name: type`, sorted, for the entry at `file`. */
function describeEntry(program: ts.Program, file: string): string {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(root, file));
  if (!source) throw new Error(`${file} is not part of the program`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file} has no exports`);
  const flags: ts.TypeFormatFlags =
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
  return checker
    .getExportsOfModule(module)
    .map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const kind = kindOf(symbol);
      const declaration = symbol.declarations?.[0];
      const type =
        declaration === undefined
          ? 'unknown'
          : kind === 'interface' || kind === 'type'
            ? checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags)
            : checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration), undefined, flags);
      const members =
        declaration !== undefined && (kind === 'interface' || kind === 'class')
          ? membersOf(checker, symbol, declaration, flags)
          : '';
      return `${kind} ${exported.name}: ${type}${members}`;
    })
    .sort()
    .join('\n');
}

/** The report of every entry point, by entry name. */
export function apiReports(): Map<string, string> {
  const files = Object.values(entryPoints).map((file) => join(root, file));
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  return new Map(
    Object.entries(entryPoints).map(([name, file]) => [
      name,
      `# tokenflight${name === 'index' ? '' : `/${name}`}\n\n${describeEntry(program, file)}\n`,
    ]),
  );
}

export const reportPath = (name: string): string => join(root, 'api', `${name}.api.txt`);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(join(root, 'api'), { recursive: true });
  for (const [name, report] of apiReports()) writeFileSync(reportPath(name), report);
  console.log('wrote api/*.api.txt');
}
