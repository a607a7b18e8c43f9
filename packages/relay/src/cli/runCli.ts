import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CONFIGCAT_WEBHOOK_BODY_TEMPLATE } from '../configcat/configCatWebhookTemplate'
import { RelayError } from '../errors'
import type { Sleep } from '../http/sleep'
import { applySegmentDelta, DEFAULT_CHUNK_SIZE } from '../launchdarkly/applySegmentDelta'
import { createLaunchDarklySegments } from '../launchdarkly/launchDarklySegments'
import { computeSegmentDelta } from '../launchdarkly/segmentDelta'
import { type CliOutput, createProgressReporter } from './progressReporter'
import { readMemberCsv } from './readMemberCsv'
import { lockStateFile } from './stateLock'
import { appendSyncJournal, readSyncState, writeSyncState } from './syncState'

/** Everything the CLI touches outside its arguments; injectable for in-process tests. */
export interface CliIo {
  stdout: CliOutput
  stderr: CliOutput
  env: Record<string, string | undefined>
  /** Base for relative paths. Default `process.cwd()`. */
  cwd?: string
  fetch?: typeof fetch
  sleep?: Sleep
}

/** `--help` text. */
export const CLI_HELP = `Usage: flagbridge-relay <command> [options]

Commands:
  sync-segment   Sync a LaunchDarkly big segment from an exported member list (CSV)
  template       Print the request body to paste into a ConfigCat webhook

sync-segment options:
  --file <path>          CSV with a header row (required)
  --segment <key>        LaunchDarkly segment key; created (unbounded, user kind) if missing (required)
  --project <key>        LaunchDarkly project key (required)
  --environment <key>    LaunchDarkly environment key (required)
  --column <name>        Column holding the context key (default: user_id, then id, then the first column)
  --state <path>         State of the last sync: only the difference is sent, progress is saved
                         after each accepted chunk, so a failed run resumes without loss;
                         <path>.lock keeps a second run on the same state out
  --max-removals <n>     Refuse a run that would remove more members than this
                         (default: 10% of the members in the state, at least 1)
  --force                Run even if it removes more than --max-removals
  --name <name>          Segment name when it has to be created (default: the key)
  --chunk-size <n>       Keys per request (default ${DEFAULT_CHUNK_SIZE})
  --token <token>        LaunchDarkly API access token (default: $LD_ACCESS_TOKEN; prefer the variable)
  --base-url <url>       LaunchDarkly API base URL (default https://app.launchdarkly.com)
  --dry-run              Print what would change and send nothing
  -h, --help             Show this help

Without --state every listed member is added and nobody is removed.
Exit codes: 0 done, 1 sync failed (progress saved), 2 wrong usage or unreadable CSV,
3 refused: more removals than --max-removals.
`

/**
 * Runs the CLI in-process and resolves with its exit code; `bin` calls it with `process` streams.
 *
 * @example
 * const code = await runCli(['sync-segment', '--file', 'members.csv', '--segment', 'beta',
 *   '--project', 'default', '--environment', 'production', '--state', 'beta.state.json'],
 *   { stdout: process.stdout, stderr: process.stderr, env: process.env })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${CLI_HELP}`)
    return 2
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  if (values.help || command === undefined || command === 'help') {
    io.stdout.write(CLI_HELP)
    return command === undefined && !values.help ? 2 : 0
  }
  if (command === 'template') {
    io.stdout.write(`${CONFIGCAT_WEBHOOK_BODY_TEMPLATE}\n`)
    return 0
  }
  if (command !== 'sync-segment') {
    io.stderr.write(`Unknown command "${command}".\n\n${CLI_HELP}`)
    return 2
  }
  try {
    return await syncSegment(values, io)
  } catch (error) {
    io.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`)
    return exitCode(error)
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      segment: { type: 'string' },
      project: { type: 'string' },
      environment: { type: 'string' },
      column: { type: 'string' },
      state: { type: 'string' },
      name: { type: 'string' },
      'chunk-size': { type: 'string' },
      token: { type: 'string' },
      'base-url': { type: 'string' },
      'max-removals': { type: 'string' },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
}

type CliValues = ReturnType<typeof parse>['values']

function exitCode(error: unknown): number {
  if (!(error instanceof RelayError)) return 1
  if (error.code === 'INVALID_OPTIONS' || error.code === 'MEMBER_LIST_INVALID') return 2
  return error.code === 'REMOVALS_OVER_LIMIT' ? 3 : 1
}

function positiveInteger(text: string | undefined, option: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) {
    throw new RelayError('INVALID_OPTIONS', `--${option} must be an integer of at least ${min}.`)
  }
  return value
}

async function syncSegment(values: CliValues, io: CliIo): Promise<number> {
  const missing = (['file', 'segment', 'project', 'environment'] as const).filter((name) => !values[name])
  if (missing.length > 0) {
    throw new RelayError(
      'INVALID_OPTIONS',
      `Missing ${missing.map((name) => `--${name}`).join(', ')}. See --help.`,
    )
  }
  const chunkSize = positiveInteger(values['chunk-size'], 'chunk-size', DEFAULT_CHUNK_SIZE)
  const cwd = io.cwd ?? process.cwd()
  const statePath = values.state === undefined ? undefined : resolve(cwd, values.state)
  // Held from reading the state to writing it back, so two runs cannot interleave.
  const lock = statePath && !values['dry-run'] ? await lockStateFile(statePath) : undefined
  try {
    return await syncWithState(values, io, { chunkSize, cwd, statePath })
  } finally {
    await lock?.release()
  }
}

async function syncWithState(
  values: CliValues,
  io: CliIo,
  { chunkSize, cwd, statePath }: { chunkSize: number; cwd: string; statePath: string | undefined },
): Promise<number> {
  const target = { project: values.project!, environment: values.environment!, segment: values.segment! }
  const { column, ids } = readMemberCsv(
    await readFile(resolve(cwd, values.file!), 'utf8'),
    values.column,
    values.file,
  )
  const previous = statePath ? await readSyncState(statePath, target) : undefined
  const delta = computeSegmentDelta(previous?.members ?? [], ids)
  const requests = Math.ceil((delta.add.length + delta.remove.length) / chunkSize)
  io.stdout.write(
    `${ids.length} members in ${values.file} (column "${column}"); ` +
      `${previous ? `${previous.members.length} after the last sync` : 'no previous sync state'}.\n` +
      `Delta: +${delta.add.length} -${delta.remove.length} (${requests} request${requests === 1 ? '' : 's'}).\n`,
  )
  if (!statePath) io.stderr.write('No --state: nobody will be removed, and an interrupted run starts over.\n')
  // A truncated or malformed export looks like "everybody left": refuse large removals.
  const maxRemovals = positiveInteger(
    values['max-removals'],
    'max-removals',
    Math.max(1, Math.floor((previous?.members.length ?? 0) / 10)),
    0,
  )
  if (delta.remove.length > maxRemovals && !values.force) {
    throw new RelayError(
      'REMOVALS_OVER_LIMIT',
      `This run would remove ${delta.remove.length} of ${previous?.members.length ?? 0} members, more than ` +
        `--max-removals ${maxRemovals}. Check ${values.file} (a truncated export removes everyone); if the ` +
        'removals are right, pass a higher --max-removals or --force.',
    )
  }
  if (values['dry-run']) {
    io.stdout.write('Dry run: nothing sent.\n')
    return 0
  }

  const token = values.token ?? io.env.LD_ACCESS_TOKEN
  if (!token) {
    throw new RelayError(
      'INVALID_OPTIONS',
      'No LaunchDarkly access token: set LD_ACCESS_TOKEN or pass --token.',
    )
  }
  const segments = createLaunchDarklySegments({
    accessToken: token,
    projectKey: target.project,
    environmentKey: target.environment,
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  })
  const created = await segments.ensureSegment({ key: target.segment, name: values.name ?? target.segment })
  if (created === 'created') io.stdout.write(`Created segment ${target.segment}.\n`)

  const members = new Set(previous?.members ?? [])
  const progress = createProgressReporter(io.stderr)
  progress.update(0, delta.add.length + delta.remove.length)
  try {
    const applied = await applySegmentDelta(segments, target.segment, delta, {
      chunkSize,
      onChunk: async (chunk, { done, total }) => {
        for (const key of chunk.add) members.add(key)
        for (const key of chunk.remove) members.delete(key)
        // One journal line per accepted chunk: a later failure, even a kill, resumes from here.
        if (statePath) await appendSyncJournal(statePath, chunk)
        progress.update(done, total)
      },
    })
    progress.finish()
    // Also written when the delta was empty, so the first run with --state records the baseline.
    if (statePath) await writeSyncState(statePath, target, members)
    io.stdout.write(`Done: +${applied.added} -${applied.removed} in ${applied.requests} requests.\n`)
    return 0
  } catch (error) {
    progress.finish()
    if (statePath) {
      // If this write fails too, the journal still holds every accepted chunk.
      await writeSyncState(statePath, target, members).catch(() => undefined)
      io.stderr.write(`Progress saved in ${statePath}; run the same command again to resume.\n`)
    }
    throw error
  }
}
