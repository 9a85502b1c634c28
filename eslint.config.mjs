import effect from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "docs/**",
      "test-results/**",
      ".stryker-tmp/**",
      "test/bench/node_modules/**",
      "effect4/node_modules/**",
      "effect4/dist/**"
    ]
  },
  ...tseslint.configs.recommended,
  {
    plugins: { "@effect": effect },
    rules: {
      "object-shorthand": "error",
      "no-console": "error",
      "@typescript-eslint/array-type": ["error", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/ban-ts-comment": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    files: ["src/**/*.ts", "effect4/src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }]
    }
  },
  {
    // chai's deep equality cannot tell `Option.none()` from `Option.some(x)` (nor Either, nor Exit): both
    // iterate to one opaque value, so such an assertion passes whatever the value. Use
    // `assertSome` / `assertNone` / `assertRight` / `assertLeft` from "@effect/vitest/utils" (test/assertions.test.ts).
    files: ["test/**/*.ts", "effect4/test/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error", {
        selector: "CallExpression[callee.object.name='assert'][callee.property.name=/^(notD|d)eep(Strict)?Equal$/] " +
          "> CallExpression.arguments[callee.object.name=/^(Option|Either|Exit)$/]",
        message: "chai's deep equality cannot tell Option/Either/Exit values apart: use assertSome, assertNone, " +
          "assertRight, assertLeft (@effect/vitest/utils)"
      }]
    }
  },
  {
    // Examples and test fixtures are programs: they talk to their operator.
    files: [
      "examples/**/*.ts",
      "test/conformance/**/*.ts",
      "test/bench/**/*.ts",
      "test/package/consumer/**/*.ts",
      "test/compat/**/*.mjs",
      "scripts/compat.ts"
    ],
    rules: { "no-console": "off" }
  }
)
