import {
  computeConfigCatSignature,
  verifyConfigCatSignature,
  WebhookVerificationError,
} from '@flagbridge/relay'
import { describe, expect, it, vi } from 'vitest'
import { signConfigCat } from './fakes/sign'

// ConfigCat's published test vector.
const KEY = 'configcat_whsk_VN3juirnVh5pNvCKd81RYRYchxUX4j3NykbZG2fAy88='
const ID = 'b616ca659d154a5fb907dd8475792eeb'
const TS = '1669629035'
const BODY = 'examplebody'
const EXPECTED = 'Ks3cYsu9Lslfo+hVxNC3oQWnsF9e5d73TI5t94D9DRA='
const AT_TS = () => Number(TS) * 1000

function headers(signature: string, overrides: Record<string, string | undefined> = {}) {
  return {
    'x-configcat-webhook-id': ID,
    'x-configcat-webhook-timestamp': TS,
    'x-configcat-webhook-signature-v1': signature,
    ...overrides,
  }
}

async function verificationCode(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run()
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError)
    return (error as WebhookVerificationError).code
  }
}

describe('ConfigCat webhook signature', () => {
  it('matches the published test vector', async () => {
    expect(await computeConfigCatSignature(KEY, ID, TS, BODY)).toBe(EXPECTED)
    expect(await computeConfigCatSignature(KEY, ID, TS, new TextEncoder().encode(BODY))).toBe(EXPECTED)
    expect(
      await verifyConfigCatSignature({
        headers: headers(EXPECTED),
        body: BODY,
        signingKeys: [KEY],
        now: AT_TS,
      }),
    ).toEqual({ webhookId: ID, timestamp: 1669629035 })
  })

  it('accepts a signature made with the secondary key', async () => {
    const secondary = 'configcat_whsk_secondary-key-during-rotation'
    const signature = signConfigCat(secondary, ID, TS, BODY)
    expect(
      await verifyConfigCatSignature({
        headers: headers(signature),
        body: BODY,
        signingKeys: [KEY, secondary],
        now: AT_TS,
      }),
    ).toEqual({ webhookId: ID, timestamp: 1669629035 })
    expect(
      await verificationCode(() =>
        verifyConfigCatSignature({ headers: headers(signature), body: BODY, signingKeys: [KEY], now: AT_TS }),
      ),
    ).toBe('SIGNATURE_INVALID')
  })

  it('accepts any of several comma-separated signatures', async () => {
    const header = `bm90LXRoaXMtb25l, ${EXPECTED},AAAA`
    expect(
      (
        await verifyConfigCatSignature({
          headers: headers(header),
          body: BODY,
          signingKeys: [KEY],
          now: AT_TS,
        })
      ).webhookId,
    ).toBe(ID)
  })

  it('computes one HMAC per signing key, however many signatures a forged header lists', async () => {
    // Before the signature is checked, anyone can send this: a 64 KB body and a 16 KB header
    // (Node's limit) of 350 signatures of the right length.
    const body = new Uint8Array(64 * 1024).fill(120)
    const forged = Array.from({ length: 350 }, (_, i) => signConfigCat(`guess-${i}`, ID, TS, body)).join(',')
    const keys = [KEY, 'configcat_whsk_secondary']
    const sign = vi.spyOn(crypto.subtle, 'sign')
    const verify = vi.spyOn(crypto.subtle, 'verify')
    try {
      const check = (signature: string) =>
        verificationCode(() =>
          verifyConfigCatSignature({ headers: headers(signature), body, signingKeys: keys, now: AT_TS }),
        )
      expect(await check(forged)).toBe('SIGNATURE_INVALID')
      expect(sign.mock.calls.length + verify.mock.calls.length).toBe(2)
      // The real signature after the junk still passes, at the same cost.
      expect(await check(`${forged},${signConfigCat(KEY, ID, TS, body)}`)).toBeUndefined()
      expect(sign.mock.calls.length + verify.mock.calls.length).toBe(4)
    } finally {
      sign.mockRestore()
      verify.mockRestore()
    }
  })

  it('reads headers case-insensitively and from a Headers object', async () => {
    const fetchHeaders = new Headers({
      'X-ConfigCat-Webhook-ID': ID,
      'X-ConfigCat-Webhook-Timestamp': TS,
      'X-ConfigCat-Webhook-Signature-V1': EXPECTED,
    })
    expect(
      (await verifyConfigCatSignature({ headers: fetchHeaders, body: BODY, signingKeys: [KEY], now: AT_TS }))
        .webhookId,
    ).toBe(ID)
  })

  it('refuses a tampered body, id or timestamp', async () => {
    const check = (h: Record<string, string | undefined>, body: string) =>
      verificationCode(() => verifyConfigCatSignature({ headers: h, body, signingKeys: [KEY], now: AT_TS }))
    expect(await check(headers(EXPECTED), 'examplebody ')).toBe('SIGNATURE_INVALID')
    expect(
      await check(headers(EXPECTED, { 'x-configcat-webhook-id': 'b616ca659d154a5fb907dd8475792eec' }), BODY),
    ).toBe('SIGNATURE_INVALID')
    expect(await check(headers(EXPECTED, { 'x-configcat-webhook-timestamp': '1669629036' }), BODY)).toBe(
      'SIGNATURE_INVALID',
    )
    expect(await check(headers(EXPECTED.slice(0, -2)), BODY)).toBe('SIGNATURE_INVALID')
  })

  it('refuses stale and future timestamps outside the window, accepts inside it', async () => {
    const at = (offsetSeconds: number, toleranceSeconds?: number) =>
      verificationCode(() =>
        verifyConfigCatSignature({
          headers: headers(EXPECTED),
          body: BODY,
          signingKeys: [KEY],
          now: () => AT_TS() + offsetSeconds * 1000,
          ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
        }),
      )
    expect(await at(300)).toBeUndefined()
    expect(await at(301)).toBe('TIMESTAMP_STALE')
    expect(await at(-301)).toBe('TIMESTAMP_STALE') // signed 301 s in the future
    expect(await at(3600, 7200)).toBeUndefined()
    expect(await at(61, 60)).toBe('TIMESTAMP_STALE')
    // A tolerance that is no number (an unparsed setting) fails closed: no timestamp passes.
    expect(await at(0, Number.NaN)).toBe('TIMESTAMP_STALE')
    expect(await at(0, 'five minutes' as never)).toBe('TIMESTAMP_STALE')
  })

  it('refuses missing headers and an empty key list', async () => {
    const check = (h: Record<string, string | undefined>, keys = [KEY]) =>
      verificationCode(() =>
        verifyConfigCatSignature({ headers: h, body: BODY, signingKeys: keys, now: AT_TS }),
      )
    expect(await check(headers(EXPECTED, { 'x-configcat-webhook-id': undefined }))).toBe('SIGNATURE_MISSING')
    expect(await check(headers(EXPECTED, { 'x-configcat-webhook-timestamp': undefined }))).toBe(
      'SIGNATURE_MISSING',
    )
    expect(await check(headers(EXPECTED, { 'x-configcat-webhook-signature-v1': undefined }))).toBe(
      'SIGNATURE_MISSING',
    )
    expect(await check({})).toBe('SIGNATURE_MISSING')
    expect(await check(headers(EXPECTED), [])).toBe('SIGNATURE_INVALID')
    expect(await check(headers(EXPECTED, { 'x-configcat-webhook-timestamp': '16696290x5' }))).toBe(
      'SIGNATURE_INVALID',
    )
  })
})
