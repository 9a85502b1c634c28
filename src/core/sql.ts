/**
 * The SQL store's schema, shared by both lines (no Effect): the table name
 * (only a plain identifier: it goes into DDL as text), the statements that
 * create the table and its indexes, and how a row reads as a stored session.
 * Each line's SqlStore.ts runs the queries through its `SqlClient`.
 *
 * @internal
 */

/** @internal */
export const defaultTable = "effect_login_sessions"

/**
 * The table's name, checked. Throws for a name that is not a plain identifier.
 *
 * @internal
 */
export const checkedTable = (table: string | undefined): string => {
  const name = table ?? defaultTable
  // The table name goes into DDL as text: only a plain identifier.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`SqlStore: invalid table name ${name}`)
  return name
}

/**
 * The statements that create the table and its indexes (idempotent).
 *
 * @internal
 */
export const migration = (table: string | undefined): ReadonlyArray<string> => {
  const name = checkedTable(table)
  return [
    `CREATE TABLE IF NOT EXISTS ${name} (
  id VARCHAR(64) PRIMARY KEY,
  user_id TEXT,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS ${name}_user_id ON ${name} (user_id)`,
    `CREATE INDEX IF NOT EXISTS ${name}_expires_at ON ${name} (expires_at)`
  ]
}

/** @internal */
export interface Row {
  readonly id: string
  readonly user_id: string | null
  readonly data: string
  readonly version: number | string
  readonly created_at: number | string
  readonly expires_at: number | string
}

/**
 * A row as a stored session (each line's `SessionStore.StoredSession`). BIGINT
 * comes back as a string from some drivers (postgres.js): every number is read with Number.
 *
 * @internal
 */
export const toStored = (row: Row): {
  readonly data: string
  readonly userId?: string
  readonly version: number
  readonly createdAt: number
  readonly expiresAt: number
} => ({
  data: row.data,
  ...(row.user_id === null ? {} : { userId: row.user_id }),
  version: Number(row.version),
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at)
})
