import { ConfigCatApiError } from '../errors'

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
}

/**
 * Looks a config's product up with `GET {baseUrl}/v1/configs/{configId}` (Basic auth),
 * caching each answer for the life of the process. Failures are not cached.
 *
 * @example
 * const lookup = createConfigCatProductLookup({ username, password })
 * await lookup('08d86d63-2731-4b8b-823a-56ddda9da038') // { id: '…', name: 'My product' }
 */
export function createConfigCatProductLookup(options: ConfigCatPublicApiOptions): ConfigCatProductResolver {
  const baseUrl = (options.baseUrl ?? 'https://api.configcat.com').replace(/\/+$/, '')
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
  const cache = new Map<string, Promise<ConfigCatProduct>>()

  const fetchProduct = async (configId: string): Promise<ConfigCatProduct> => {
    const doFetch = options.fetch ?? fetch
    const url = `${baseUrl}/v1/configs/${encodeURIComponent(configId)}`
    let response: Response
    try {
      response = await doFetch(url, { headers: { authorization, accept: 'application/json' } })
    } catch (error) {
      throw new ConfigCatApiError(`Could not reach ConfigCat's Public API at ${url}.`, undefined, {
        cause: error,
      })
    }
    if (!response.ok) {
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
  }

  return (configId) => {
    let pending = cache.get(configId)
    if (!pending) {
      pending = fetchProduct(configId)
      cache.set(configId, pending)
      // Forget failures so the next delivery asks again.
      pending.catch(() => cache.delete(configId))
    }
    return pending
  }
}
