/**
 * The API reference, generated from the JSDoc of every public module into
 * docs/api/. `npm run docs` writes it; test/api-docs.test.ts checks that every
 * export is documented (with `@since`) and that docs/api is up to date.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const src = path.join(root, "src")

export interface Export {
  readonly name: string
  readonly kind: string
  readonly since: string | undefined
  readonly category: string
  readonly doc: string
  readonly signature: string
}

export interface Module {
  readonly name: string
  readonly doc: string
  readonly exports: ReadonlyArray<Export>
}

const kindOf = (declaration: ts.Declaration): string =>
  ts.isClassDeclaration(declaration)
    ? "class"
    : ts.isInterfaceDeclaration(declaration)
    ? "interface"
    : ts.isTypeAliasDeclaration(declaration)
    ? "type"
    : ts.isModuleDeclaration(declaration)
    ? "namespace"
    : ts.isFunctionDeclaration(declaration)
    ? "function"
    : "const"

const printer = ts.createPrinter({ removeComments: true })

const signatureOf = (checker: ts.TypeChecker, symbol: ts.Symbol, declaration: ts.Declaration): string => {
  if (ts.isInterfaceDeclaration(declaration)) {
    // Members marked @internal are not published (stripInternal): the reference leaves them out too.
    const published = ts.factory.updateInterfaceDeclaration(
      declaration,
      declaration.modifiers,
      declaration.name,
      declaration.typeParameters,
      declaration.heritageClauses,
      declaration.members.filter((member) => !ts.getJSDocTags(member).some((tag) => tag.tagName.text === "internal"))
    )
    return printer.printNode(ts.EmitHint.Unspecified, published, declaration.getSourceFile())
  }
  if (ts.isTypeAliasDeclaration(declaration)) {
    return printer.printNode(ts.EmitHint.Unspecified, declaration, declaration.getSourceFile())
  }
  if (ts.isClassDeclaration(declaration)) {
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(" ") ?? ""
    return `class ${symbol.name} ${heritage}`.trim()
  }
  const type = checker.typeToString(
    checker.getTypeOfSymbolAtLocation(symbol, declaration),
    declaration,
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope
  )
  return `${kindOf(declaration)} ${symbol.name}: ${type}`
}

/** Reads every public module (each file of src/ but index.ts). */
export const readModules = (): ReadonlyArray<Module> => {
  const files = fs.readdirSync(src).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort()
  const program = ts.createProgram(files.map((f) => path.join(src, f)), {
    strict: true,
    exactOptionalPropertyTypes: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true
  })
  const checker = program.getTypeChecker()
  return files.map((file) => {
    const source = program.getSourceFile(path.join(src, file))!
    const moduleSymbol = checker.getSymbolAtLocation(source)!
    const first = source.statements[0]
    const doc = first === undefined
      ? ""
      : ts.getJSDocCommentsAndTags(first).map((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment) ?? "" : ""))
        .join("\n")
    const exports = checker.getExportsOfModule(moduleSymbol).map((symbol): Export => {
      const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
      const declaration = resolved.declarations?.[0] ?? symbol.declarations![0]!
      const tags = resolved.getJsDocTags(checker)
      const tag = (name: string) => tags.find((t) => t.name === name)?.text?.map((part) => part.text).join("")
      return {
        name: symbol.name,
        kind: kindOf(declaration),
        since: tag("since"),
        category: tag("category") ?? "other",
        doc: ts.displayPartsToString(resolved.getDocumentationComment(checker)),
        signature: signatureOf(checker, resolved, declaration)
      }
    }).sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name))
    return { name: file.slice(0, -3), doc, exports }
  })
}

/** The markdown of docs/api, file name → content. */
export const render = (modules: ReadonlyArray<Module>): ReadonlyMap<string, string> => {
  const files = new Map<string, string>()
  const index = [
    "# API reference",
    "",
    "Generated from the JSDoc by `npm run docs` (scripts/api-docs.ts); do not edit by hand.",
    "",
    ...modules.map((m) => `- [${m.name}](${m.name}.md): ${m.doc.split("\n")[0] ?? ""}`)
  ]
  files.set("README.md", index.join("\n") + "\n")
  for (const module of modules) {
    const lines = [`# ${module.name}`, "", `\`import { ${module.name} } from "effect-login"\``, "", module.doc, ""]
    let category: string | undefined
    for (const e of module.exports) {
      if (e.category !== category) {
        category = e.category
        lines.push(`## ${category}`, "")
      }
      lines.push(`### ${e.name}`, "", e.doc, "", "```ts", e.signature, "```", "", `Since ${e.since ?? "?"}`, "")
    }
    files.set(`${module.name}.md`, lines.join("\n").replace(/\n{3,}/g, "\n\n"))
  }
  return files
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = path.join(root, "docs/api")
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  for (const [name, content] of render(readModules())) fs.writeFileSync(path.join(out, name), content)
}
