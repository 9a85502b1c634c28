/**
 * A bounded map for values that are costly to compute and cheap to keep
 * (verified cookies, hashes): the oldest entry goes when it is full, so
 * memory stays flat whatever the traffic.
 *
 * @internal
 */

/** @internal */
export class BoundedCache<A> {
  private readonly entries = new Map<string, A>()
  constructor(readonly limit: number) {}

  get(key: string): A | undefined {
    return this.entries.get(key)
  }

  set(key: string, value: A): void {
    if (this.entries.size >= this.limit) {
      // A Map iterates in insertion order: the first key is the oldest.
      this.entries.delete(this.entries.keys().next().value!)
    }
    this.entries.set(key, value)
  }
}

/**
 * `f`, remembering up to `limit` results of keys up to `maxKeyLength`
 * characters (longer keys, which a client could send to fill memory, are
 * computed every time).
 *
 * @internal
 */
export const memoize = <A>(limit: number, maxKeyLength: number, f: (key: string) => A): (key: string) => A => {
  const cache = new BoundedCache<A>(limit)
  return (key) => {
    if (key.length > maxKeyLength) return f(key)
    let value = cache.get(key)
    if (value === undefined) {
      value = f(key)
      cache.set(key, value)
    }
    return value
  }
}
