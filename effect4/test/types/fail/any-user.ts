// An untyped user (an ORM row as `any`) would make CurrentUser `any`: refused.
import { UserLoader } from "@effect-login/effect4"

// @expect-error the user type is any
// @fix export const Rows = UserLoader.make("app/Rows", { id: (row: { readonly id: number }) => String(row.id) })
export const Rows = UserLoader.make("app/Rows", { id: (row: any) => String(row.id) })
