import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { RelayError } from '../errors'
import type { SegmentDelta } from '../launchdarkly/segmentDelta'

/** What the last successful (or partly successful) sync left in LaunchDarkly. */
export interface SyncState {
  version: 1
  project: string
  environment: string
  segment: string
  /** Context keys known to be in the segment. */
  members: string[]
  updatedAt: string
}

/** Which segment a state file belongs to. */
export interface SyncTarget {
  project: string
  environment: string
  segment: string
}

/** The journal beside a state file: one JSON line `{"add":[…],"remove":[…]}` per accepted chunk. */
export const journalPath = (statePath: string) => `${statePath}.journal`

/**
 * Reads a state file and replays its journal (chunks accepted since the file was last written,
 * e.g. by a run that was killed); a missing file means "nothing synced yet". A torn last journal
 * line (a crash while appending) is ignored: that chunk is sent again, which is harmless.
 *
 * @throws {RelayError} `STATE_FILE_INVALID` when it is unreadable or belongs to another segment.
 */
export async function readSyncState(path: string, target: SyncTarget): Promise<SyncState | undefined> {
  const text = await readOptional(path)
  const journal = await readOptional(journalPath(path))
  if (text === undefined && journal === undefined) return undefined
  const state: SyncState =
    text === undefined
      ? { version: 1, ...target, members: [], updatedAt: '' }
      : parseState(path, text, target)
  if (journal === undefined) return state
  const members = new Set(state.members)
  const lines = journal.split('\n')
  lines.forEach((line, index) => {
    if (line === '') return
    let chunk: SegmentDelta
    try {
      chunk = JSON.parse(line)
    } catch (error) {
      if (index === lines.length - 1) return // torn last line, never ended by '\n'
      throw new RelayError('STATE_FILE_INVALID', `${journalPath(path)} line ${index + 1} is not JSON.`, {
        cause: error,
      })
    }
    if (!Array.isArray(chunk?.add) || !Array.isArray(chunk?.remove)) {
      throw new RelayError('STATE_FILE_INVALID', `${journalPath(path)} line ${index + 1} is not a chunk.`)
    }
    for (const key of chunk.add) members.add(key)
    for (const key of chunk.remove) members.delete(key)
  })
  return { ...state, members: [...members] }
}

/**
 * Records one chunk LaunchDarkly accepted by appending one line to the journal (and syncing it
 * to disk): the bytes written per chunk are the chunk's, not the whole state's.
 */
export async function appendSyncJournal(statePath: string, chunk: SegmentDelta): Promise<void> {
  const handle = await open(journalPath(statePath), 'a')
  try {
    await handle.appendFile(`${JSON.stringify({ add: chunk.add, remove: chunk.remove })}\n`)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes the whole state once (temporary file in the same directory, then a rename, so a crash
 * leaves either the old or the new state), then drops the journal it now contains.
 */
export async function writeSyncState(
  path: string,
  target: SyncTarget,
  members: Iterable<string>,
): Promise<void> {
  const state: SyncState = {
    version: 1,
    ...target,
    members: [...members],
    updatedAt: new Date().toISOString(),
  }
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temporary, `${JSON.stringify(state)}\n`, { encoding: 'utf8', flush: true })
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  await rm(journalPath(path), { force: true })
}

function parseState(path: string, text: string, target: SyncTarget): SyncState {
  let state: SyncState
  try {
    state = JSON.parse(text) as SyncState
  } catch (error) {
    throw new RelayError('STATE_FILE_INVALID', `${path} is not valid JSON; delete it to sync from scratch.`, {
      cause: error,
    })
  }
  if (state.version !== 1 || !Array.isArray(state.members)) {
    throw new RelayError('STATE_FILE_INVALID', `${path} is not a flagbridge-relay state file.`)
  }
  if (
    state.project !== target.project ||
    state.environment !== target.environment ||
    state.segment !== target.segment
  ) {
    throw new RelayError(
      'STATE_FILE_INVALID',
      `${path} belongs to ${state.project}/${state.environment}/${state.segment}, not ` +
        `${target.project}/${target.environment}/${target.segment}. Use one state file per segment.`,
    )
  }
  return state
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
