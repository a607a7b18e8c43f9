import { WebhookPayloadError } from '../errors'
import { findDuplicateJsonKey } from '../json/findDuplicateJsonKey'

/** One entry of `##ChangeDetails##`. */
export interface ConfigCatSettingChange {
  settingKey: string
  /** e.g. `changed`, `created`, `deleted`. */
  event: string
  /** ConfigCat's human-readable summary, e.g. `"\r\nmyFlag: false ➔ true"`. */
  details: string
}

/** A ConfigCat webhook body sent with {@link CONFIGCAT_WEBHOOK_BODY_TEMPLATE}. */
export interface ConfigCatChange {
  configId: string
  configName: string | null
  environmentId: string
  environmentName: string | null
  url: string | null
  /** Raw `##ChangedBy##`, "Full Name (email)". */
  changedBy: string | null
  changeNotes: string | null
  changeDetails: ConfigCatSettingChange[]
}

const STRING_FIELDS = [
  'configId',
  'configName',
  'environmentId',
  'environmentName',
  'url',
  'changedBy',
  'changeNotes',
] as const

// ConfigCat substitutes variables as plain text, so a change note with a quote or a line
// break makes the body invalid JSON. The template's field order is fixed, which lets the
// values be cut out between the known keys instead, as long as each key appears exactly once.
const TEMPLATE_SHAPE = new RegExp(
  `^\\s*\\{${STRING_FIELDS.map((field) => `\\s*"${field}"\\s*:\\s*"([\\s\\S]*?)"\\s*,`).join('')}` +
    '\\s*"changeDetails"\\s*:\\s*([\\s\\S]*)\\}\\s*$',
)
const KEY_LITERALS = [...STRING_FIELDS, 'changeDetails'].map((field) => ({
  field,
  pattern: new RegExp(`"${field}"\\s*:`, 'g'),
}))

/**
 * Parses a ConfigCat webhook body sent with the relay's template. Strict JSON first, then
 * a template-aware fallback for notes and names that broke the JSON.
 *
 * Substituted text (a change note, a config name, the changer's display name) can contain
 * quotes, so it could try to add keys of its own: `routine", "changedBy": "Chief Exec
 * (ceo@corp.example)", "environmentName": "Staging` as a note would otherwise overwrite the
 * audit fields, since `JSON.parse` keeps the last of duplicate keys. So a body with a duplicate
 * key is refused, and so is a broken body in which a template key appears more than once.
 *
 * @throws {WebhookPayloadError} when the body is neither, or is ambiguous.
 * @example
 * const change = parseConfigCatWebhook(rawBody)
 * change.changeDetails[0]?.settingKey // 'myAwesomeFeature1'
 */
export function parseConfigCatWebhook(body: string): ConfigCatChange {
  const raw = parseJsonObject(body) ?? parseTemplateShape(body)
  if (!raw) {
    throw new WebhookPayloadError(
      'The ConfigCat webhook body is not JSON in the relay template. Paste CONFIGCAT_WEBHOOK_BODY_TEMPLATE ' +
        'as the request body in ConfigCat, with ##ChangeDetails## unquoted.',
    )
  }
  const configId = optionalString(raw.configId)
  const environmentId = optionalString(raw.environmentId)
  if (!configId || !environmentId) {
    throw new WebhookPayloadError('The ConfigCat webhook body has no configId or environmentId.')
  }
  return {
    configId,
    configName: optionalString(raw.configName),
    environmentId,
    environmentName: optionalString(raw.environmentName),
    url: optionalString(raw.url),
    changedBy: optionalString(raw.changedBy),
    changeNotes: optionalString(raw.changeNotes),
    changeDetails: readChangeDetails(raw.changeDetails),
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const duplicate = findDuplicateJsonKey(text)
  if (duplicate !== undefined) {
    throw new WebhookPayloadError(
      `The ConfigCat webhook body has the key "${duplicate}" twice, so a substituted value (a change note, ` +
        'a name) tried to add fields of its own. It is refused rather than guessed at.',
    )
  }
  return isRecord(value) ? value : undefined
}

function parseTemplateShape(body: string): Record<string, unknown> | undefined {
  for (const { field, pattern } of KEY_LITERALS) {
    const count = body.match(pattern)?.length ?? 0
    if (count > 1) {
      throw new WebhookPayloadError(
        `The ConfigCat webhook body is not JSON and contains "${field}" ${count} times, so its fields cannot ` +
          'be told apart from a substituted value. It is refused rather than guessed at.',
      )
    }
  }
  const match = TEMPLATE_SHAPE.exec(body)
  if (!match) return undefined
  const raw: Record<string, unknown> = {}
  STRING_FIELDS.forEach((field, index) => {
    raw[field] = match[index + 1]
  })
  try {
    raw.changeDetails = JSON.parse(match[STRING_FIELDS.length + 1] ?? '')
  } catch {
    return undefined
  }
  return raw
}

function readChangeDetails(value: unknown): ConfigCatSettingChange[] {
  if (!Array.isArray(value)) {
    throw new WebhookPayloadError(
      'changeDetails must be the JSON array ConfigCat puts in ##ChangeDetails## (unquoted in the template).',
    )
  }
  return value.map((entry, index) => {
    if (!isRecord(entry) || typeof entry.settingKey !== 'string') {
      throw new WebhookPayloadError(`changeDetails[${index}] has no settingKey.`)
    }
    return {
      settingKey: entry.settingKey,
      event: typeof entry.event === 'string' ? entry.event : 'changed',
      details: typeof entry.details === 'string' ? entry.details : '',
    }
  })
}

function optionalString(value: unknown): string | null {
  if (typeof value === 'number') return String(value)
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
