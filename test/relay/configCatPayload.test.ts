import { createHash } from 'node:crypto'
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  createFlagChangedEvent,
  createFlagChangedMessageId,
  parseChangedBy,
  parseConfigCatWebhook,
  WebhookPayloadError,
} from '@flagbridge/relay'
import { describe, expect, it } from 'vitest'

const sha256Hex = async (text: string) => createHash('sha256').update(text).digest('hex')

const DETAILS = [
  { settingKey: 'myAwesomeFeature1', event: 'changed', details: '\r\nmyAwesomeFeature1: false ➔ true' },
  {
    settingKey: 'myAwesomeFeature2',
    event: 'changed',
    details: '\r\nmyAwesomeFeature2:\r\n Rollout percentage items changed:\r\n + 20% true\r\n + 80% false',
  },
]

/** Does what ConfigCat does: plain-text substitution into the template. */
function fill(values: Record<string, string>): string {
  return CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) => values[name] ?? '')
}

const VALUES = {
  ConfigId: '08d86d63-2731-4b8b-823a-56ddda9da038',
  ConfigName: 'Main Config',
  EnvironmentId: '08d86d63-2726-47cd-8bfc-59608ecb91e2',
  EnvironmentName: 'Production',
  URL: 'https://app.configcat.com/08d86d63/08d86d63-2731/08d86d63-2726',
  ChangedBy: 'Jane Doe (jane@example.com)',
  ChangeNotes: 'Roll out to 20%',
  ChangeDetails: JSON.stringify(DETAILS),
}

describe('ConfigCat webhook template and body', () => {
  it('uses every documented variable, with ##ChangeDetails## unquoted', () => {
    for (const name of [
      'ConfigId',
      'ConfigName',
      'EnvironmentId',
      'EnvironmentName',
      'URL',
      'ChangedBy',
      'ChangeNotes',
    ]) {
      expect(CONFIGCAT_WEBHOOK_BODY_TEMPLATE).toContain(`"##${name}##"`)
    }
    expect(CONFIGCAT_WEBHOOK_BODY_TEMPLATE).toContain('"changeDetails": ##ChangeDetails##')
  })

  it('parses a filled template', () => {
    expect(parseConfigCatWebhook(fill(VALUES))).toEqual({
      configId: VALUES.ConfigId,
      configName: 'Main Config',
      environmentId: VALUES.EnvironmentId,
      environmentName: 'Production',
      url: VALUES.URL,
      changedBy: 'Jane Doe (jane@example.com)',
      changeNotes: 'Roll out to 20%',
      changeDetails: DETAILS,
    })
  })

  it('still reads a body whose change notes broke the JSON (quotes, line breaks)', () => {
    const body = fill({
      ...VALUES,
      ChangeNotes: 'Said "go", then\nrolled back \\ forward',
      ConfigName: 'A "quoted" name',
    })
    expect(() => JSON.parse(body)).toThrow()
    const change = parseConfigCatWebhook(body)
    expect(change.changeNotes).toBe('Said "go", then\nrolled back \\ forward')
    expect(change.configName).toBe('A "quoted" name')
    expect(change.changeDetails).toEqual(DETAILS)
  })

  it('refuses malformed bodies with WebhookPayloadError', () => {
    const bad = [
      'not json at all',
      '[]',
      JSON.stringify({ configId: 'c', environmentId: 'e', changeDetails: 'quoted by mistake' }),
      JSON.stringify({ environmentId: 'e', changeDetails: [] }),
      JSON.stringify({ configId: 'c', environmentId: 'e', changeDetails: [{ event: 'changed' }] }),
      fill({ ...VALUES, ChangeDetails: '[{"settingKey":' }),
    ]
    for (const body of bad) {
      expect(() => parseConfigCatWebhook(body), body).toThrow(WebhookPayloadError)
    }
  })
})

describe('parseChangedBy', () => {
  it.each([
    ['Jane Doe (jane@example.com)', 'Jane Doe', 'jane@example.com'],
    ['  Jane   Doe  ( Jane@Example.COM ) ', 'Jane Doe', 'jane@example.com'],
    ['Jane Doe <jane@example.com>', 'Jane Doe', 'jane@example.com'],
    ['jane@example.com', null, 'jane@example.com'],
    ['(jane@example.com)', null, 'jane@example.com'],
    ['Jane (Ops) Doe (jane.doe+ops@sub.example.co.uk)', 'Jane (Ops) Doe', 'jane.doe+ops@sub.example.co.uk'],
    ['Jane Doe', 'Jane Doe', null],
    ['Zoë Ærøskøbing (zoe@example.dk)', 'Zoë Ærøskøbing', 'zoe@example.dk'],
    ['', null, null],
  ])('%j', (text, fullName, email) => {
    expect(parseChangedBy(text)).toEqual({ fullName, email })
  })
})

describe('createFlagChangedEvent', () => {
  const change = parseConfigCatWebhook(fill(VALUES))
  const timestamp = 1669629035
  const messageId = 'configcat-0123456789abcdef0123456789abcdef'

  it('builds the track call with the integration fields', () => {
    const track = createFlagChangedEvent({
      change,
      timestamp,
      messageId,
      product: { id: 'prod-1', name: 'Web' },
    })
    expect(track).toEqual({
      event: 'Feature Flag Changed',
      messageId,
      timestamp: new Date('2022-11-28T09:50:35.000Z'),
      anonymousId: 'configcat-webhook',
      properties: {
        timestamp: '2022-11-28T09:50:35.000Z',
        details:
          'myAwesomeFeature1: false ➔ true\nmyAwesomeFeature2:\n Rollout percentage items changed:\n + 20% true\n + 80% false',
        product_id: 'prod-1',
        product_name: 'Web',
        config_id: VALUES.ConfigId,
        config_name: 'Main Config',
        environment_id: VALUES.EnvironmentId,
        environment_name: 'Production',
        url: VALUES.URL,
        user_email: 'jane@example.com',
        user_full_name: 'Jane Doe',
      },
    })
  })

  it('derives a short, deterministic messageId from the body and the change sent before it', async () => {
    const body = await sha256Hex(fill(VALUES))
    const id = await createFlagChangedMessageId(body)
    expect(id).toMatch(/^configcat-[0-9a-f]{32}$/)
    expect(id.length).toBeLessThan(100)
    expect(await createFlagChangedMessageId(body)).toBe(id)
    expect(await createFlagChangedMessageId(body, await sha256Hex('previous body'))).not.toBe(id)
    expect(await createFlagChangedMessageId(await sha256Hex(fill({ ...VALUES, ChangeNotes: 'x' })))).not.toBe(
      id,
    )
  })

  it("attributes the event to the changer's email when asked, anonymous without an email", () => {
    const byEmail = createFlagChangedEvent({
      change,
      timestamp,
      messageId,
      product: { id: null, name: null },
      identity: 'changer-email',
    })
    expect(byEmail).toMatchObject({ userId: 'jane@example.com' })
    expect(byEmail).not.toHaveProperty('anonymousId')
    const noEmail = createFlagChangedEvent({
      change: { ...change, changedBy: 'Jane Doe' },
      timestamp,
      messageId,
      product: { id: null, name: null },
      identity: 'changer-email',
    })
    expect(noEmail).toMatchObject({ anonymousId: 'configcat-webhook' })
  })
})
