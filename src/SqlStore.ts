/**
 * A `SessionStore` in a SQL database, over `@effect/sql`'s `SqlClient`: one
 * table, keyed by the hashed session id, with the user's id indexed (listing
 * and revoking a user's sessions and remember tokens is one query) and the
 * expiry in a column, so that expiry follows the application's `Clock`.
 * Writes are compare-and-set on a version in one statement each.
 *
 * Tested on PostgreSQL (`@effect/sql-pg`) and libSQL/SQLite
 * (`@effect/sql-libsql`); the statements are standard SQL with `ON CONFLICT`
 * and `RETURNING` (PostgreSQL 9.5+, SQLite 3.35+).
 *
 * Create the table first: `SqlStore.migrate()` (or, with `@effect/sql`'s
 * Migrator, `Migrator.fromRecord(SqlStore.migrations())`, or the SQL of
 * `SqlStore.migration()` in your own tool).
 *
 * @example
 * ```ts
 * import { PgClient } from "@effect/sql-pg"
 * import { Layer, Redacted } from "effect"
 * import * as SqlStore from "effect-login/SqlStore"
 *
 * const Database = PgClient.layer({ url: Redacted.make("postgres://app@127.0.0.1/app") })
 * export const StoreLive = SqlStore.layer().pipe(Layer.provide(Database))
 * ```
 *
 * @since 0.2.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as sqlStore from "./core/sql.js"
import * as storeHealth from "./internal/storeHealth.js"
import * as LoginError from "./LoginError.js"
import * as SessionStore from "./SessionStore.js"

/**
 * The table, how long a query may take, and how expired rows are removed.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends SessionStore.StartupOptions {
  /** Default `"effect_login_sessions"`. */
  readonly table?: string | undefined
  /** A query that takes longer fails the request with 503. Default 2 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Expired rows are deleted this often (`layer` only). Default 10 minutes. */
  readonly cleanupInterval?: Duration.DurationInput | undefined
  /** At most this many rows per cleanup, so that it never holds the table long. Default 1,000. */
  readonly cleanupBatch?: number | undefined
}

/**
 * The statements that create the table and its indexes (idempotent).
 *
 * @since 0.2.0
 * @category migrations
 */
export const migration = (options: { readonly table?: string | undefined } = {}): ReadonlyArray<string> =>
  sqlStore.migration(options.table)

/**
 * Creates the table and its indexes when they do not exist.
 *
 * @since 0.2.0
 * @category migrations
 */
export const migrate = (
  options: { readonly table?: string | undefined } = {}
): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => Effect.forEach(migration(options), (statement) => sql.unsafe(statement), { discard: true })
  )

/**
 * The migration for `@effect/sql`'s Migrator: `Migrator.fromRecord(SqlStore.migrations())`.
 *
 * @since 0.2.0
 * @category migrations
 */
export const migrations = (
  options: { readonly table?: string | undefined } = {}
): Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>> => ({
  "1_effect_login_sessions": migrate(options)
})

/**
 * The SQL store over the environment's `SqlClient`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<SessionStore.SessionStore, never, SqlClient.SqlClient> =>
  Effect.map(SqlClient.SqlClient, (sql) => {
    const table = sql(sqlStore.checkedTable(options.table))
    const timeout = options.timeout ?? "2 seconds"
    const logged = storeHealth.outageLog("the SQL session store")
    const run = <A>(operation: string, query: (now: number) => Effect.Effect<A, SqlError>) =>
      Effect.flatMap(Clock.currentTimeMillis, query).pipe(
        Effect.mapError((cause) => new LoginError.SessionStoreError({ operation, cause })),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new LoginError.SessionStoreError({ operation, cause: "timed out" })
        }),
        logged,
        Effect.withSpan(`effect-login/SqlStore.${operation}`, { captureStackTrace: false })
      )
    const columns = sql`id, user_id, data, version, created_at, expires_at`
    return {
      get: (key) =>
        run(
          "get",
          (now) => sql<sqlStore.Row>`SELECT ${columns} FROM ${table} WHERE id = ${key} AND expires_at > ${now}`
        ).pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), sqlStore.toStored))
        ),
      set: (key, session, expectedVersion) =>
        run("set", (now) => {
          const userId = session.userId ?? null
          return expectedVersion === undefined
            // Only if absent, or expired (a row that ended is as good as absent).
            ? sql`INSERT INTO ${table} (${columns})
                VALUES (${key}, ${userId}, ${session.data}, ${session.version}, ${session.createdAt}, ${session.expiresAt})
                ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data,
                  version = excluded.version, created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE ${table}.expires_at <= ${now}
                RETURNING id`
            : sql`UPDATE ${table} SET user_id = ${userId}, data = ${session.data}, version = ${session.version},
                  created_at = ${session.createdAt}, expires_at = ${session.expiresAt}
                WHERE id = ${key} AND version = ${expectedVersion} AND expires_at > ${now}
                RETURNING id`
        }).pipe(Effect.map((rows) => rows.length > 0)),
      touch: (key, expiresAt) =>
        Effect.asVoid(
          run("touch", (now) =>
            sql`UPDATE ${table} SET expires_at = ${expiresAt} WHERE id = ${key} AND expires_at > ${now}`)
        ),
      delete: (key) => Effect.asVoid(run("delete", () => sql`DELETE FROM ${table} WHERE id = ${key}`)),
      listByUser: (userId) =>
        run(
          "listByUser",
          (now) => sql<sqlStore.Row>`SELECT ${columns} FROM ${table} WHERE user_id = ${userId} AND expires_at > ${now}`
        ).pipe(Effect.map((rows) => rows.map((row) => ({ key: row.id, session: sqlStore.toStored(row) })))),
      deleteByUser: (userId, except = []) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) =>
            run("deleteByUser", () =>
              sql<{ readonly expires_at: number | string }>`DELETE FROM ${table} WHERE user_id = ${userId}
              ${except.length === 0 ? sql`` : sql`AND id NOT IN ${sql.in(except)}`}
              RETURNING expires_at`).pipe(
                Effect.map((rows) =>
                  rows.filter((row) =>
                    Number(row.expires_at) > now
                  ).length
                )
              )
        )
    }
  })

/**
 * Deletes expired rows, at most `batch` of them; returns how many. `layer`
 * runs it every `cleanupInterval`; run it yourself with `make`.
 *
 * @since 0.2.0
 * @category maintenance
 */
export const cleanup = (
  options: { readonly table?: string | undefined; readonly batch?: number | undefined } = {}
): Effect.Effect<number, LoginError.SessionStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const table = sql(sqlStore.checkedTable(options.table))
    const now = yield* Clock.currentTimeMillis
    const rows = yield* sql`DELETE FROM ${table} WHERE id IN (
        SELECT id FROM ${table} WHERE expires_at <= ${now} LIMIT ${options.batch ?? 1000}
      ) RETURNING id`.pipe(
      Effect.mapError((cause) => new LoginError.SessionStoreError({ operation: "cleanup", cause }))
    )
    return rows.length
  })

/**
 * The SQL store as the application's `SessionStore`: built once the database
 * answers (or at once with `startup: "degraded"`), with expired rows deleted
 * in the background. The table must exist (`migrate`).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<SessionStore.SessionStore, LoginError.SessionStoreError, SqlClient.SqlClient> =>
  Layer.scoped(
    SessionStore.SessionStore,
    Effect.gen(function*() {
      const store = yield* make(options)
      yield* storeHealth.awaitReady("The SQL session store", store, options)
      const every = Duration.decode(options.cleanupInterval ?? "10 minutes")
      yield* cleanup({ table: options.table, batch: options.cleanupBatch }).pipe(
        Effect.ignore,
        Effect.schedule(Schedule.spaced(every)),
        Effect.forkScoped
      )
      return store
    })
  )
