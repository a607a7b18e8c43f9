import { ConfigCatApiError } from '../errors'
import { fetchWithTimeout, isTimeout } from '../http/fetchWithTimeout'
import { toBase64 } from '../signature/base64'
import { encodeUtf8 } from '../text/utf8'

/** The ConfigCat product a config belongs to. */
export interface ConfigCatProduct {
  id: string | null
  name: string | null
}

/** Finds the product of a config id. */
export type ConfigCatProductResolver = (configId: string) => Promise<ConfigCatProduct>

/** Credentials for ConfigCat's Public API (Organization → Public API credentials). */
export interface ConfigCatPublicApiOptions {
  username: string
  password: string
  /** Default `https://api.configcat.com`. */
  baseUrl?: string
  /** Injectable for tests and proxies. */
  fetch?: typeof fetch
  /** Timeout of one lookup, headers and body. Default 3 s. */
  timeoutMs?: number
  /** How long an answer is reused. Default 1 hour. */
  cacheTtlMs?: number
  now?: () => number
}

/**
 * Looks a config's product up with `GET {baseUrl}/v1/configs/{configId}` (Basic auth).
 *
 * Answers are cached per process for `cacheTtlMs`: a cache that is safe to lose (another
 * instance, or a restart, only asks again), so it is not shared through the store. A lookup
 * in progress is shared by the webhooks that need it, and gives up after `timeoutMs`, so a
 * hung Public API holds no webhook longer than that. Failures are not cached.
 *
 * @example
 * const lookup = createConfigCatProductLookup({ username, password })
 * await lookup('08d86d63-2731-4b8b-823a-56ddda9da038') // { id: '…', name: 'My product' }
 */
export function createConfigCatProductLookup(options: ConfigCatPublicApiOptions): ConfigCatProductResolver {
  const baseUrl = (options.baseUrl ?? 'https://api.configcat.com').replace(/\/+$/, '')
  const authorization = `Basic ${toBase64(encodeUtf8(`${options.username}:${options.password}`))}`
  const timeoutMs = options.timeoutMs ?? 3000
  const cacheTtlMs = options.cacheTtlMs ?? 3_600_000
  const now = options.now ?? Date.now
  const cache = new Map<string, { product: Promise<ConfigCatProduct>; expiresAt: number }>()

  const fetchProduct = async (configId: string): Promise<ConfigCatProduct> => {
    const url = `${baseUrl}/v1/configs/${encodeURIComponent(configId)}`
    try {
      const response = await fetchWithTimeout(
        options.fetch ?? fetch,
        url,
        { headers: { authorization, accept: 'application/json' } },
        timeoutMs,
      )
      if (!response.ok) {
        await response.body?.cancel()
        throw new ConfigCatApiError(
          `ConfigCat's Public API answered ${response.status} for config ${configId}. ` +
            'Check the Public API credentials and that they can read this product.',
          response.status,
        )
      }
      const body = (await response.json()) as { product?: { productId?: unknown; name?: unknown } }
      return {
        id: typeof body.product?.productId === 'string' ? body.product.productId : null,
        name: typeof body.product?.name === 'string' ? body.product.name : null,
      }
    } catch (error) {
      if (error instanceof ConfigCatApiError) throw error
      const reason = isTimeout(error) ? `no answer within ${timeoutMs} ms` : 'the request failed'
      throw new ConfigCatApiError(
        `Could not read ${url} from ConfigCat's Public API: ${reason}.`,
        undefined,
        {
          cause: error,
        },
      )
    }
  }

  return (configId) => {
    const cached = cache.get(configId)
    if (cached && cached.expiresAt > now()) return cached.product
    const product = fetchProduct(configId)
    cache.set(configId, { product, expiresAt: now() + cacheTtlMs })
    // Forget failures so the next delivery asks again.
    product.catch(() => {
      if (cache.get(configId)?.product === product) cache.delete(configId)
    })
    return product
  }
}
