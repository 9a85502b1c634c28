/**
 * Where request loaders find a credential, shared by both lines (no Effect):
 * a Bearer token in `Authorization`, a header, or a query parameter, trimmed;
 * an absent or empty one is none (the verifier is not asked). A request is
 * anything with headers and a URL, which both lines' `HttpServerRequest` are.
 *
 * @internal
 */

/**
 * What the readers look at.
 *
 * @internal
 */
export interface CredentialRequest {
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly url: string
}

/**
 * A credential's text, trimmed; `undefined` when it is absent or empty.
 *
 * @internal
 */
export const present = (credential: string | undefined): string | undefined => {
  const trimmed = credential?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

/**
 * The token of an `Authorization: Bearer` header.
 *
 * @internal
 */
export const bearer = (request: CredentialRequest): string | undefined => {
  const authorization = request.headers.authorization
  return authorization !== undefined && /^bearer /i.test(authorization) ? authorization.slice(7) : undefined
}

/**
 * A header's value (`lower`: its name in lower case, as the platform keys headers).
 *
 * @internal
 */
export const header = (lower: string) => (request: CredentialRequest): string | undefined => request.headers[lower]

/**
 * A query parameter's value.
 *
 * @internal
 */
export const query = (name: string) => (request: CredentialRequest): string | undefined => {
  const question = request.url.indexOf("?")
  return question < 0 ? undefined : new URLSearchParams(request.url.slice(question + 1)).get(name) ?? undefined
}
