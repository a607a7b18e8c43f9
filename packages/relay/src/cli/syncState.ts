import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { RelayError } from '../errors'

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

/**
 * Reads a state file; a missing file means "nothing synced yet".
 *
 * @throws {RelayError} `STATE_FILE_INVALID` when it is unreadable or belongs to another segment.
 */
export async function readSyncState(path: string, target: SyncTarget): Promise<SyncState | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
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

/**
 * Writes the state atomically: a temporary file in the same directory, then a rename,
 * so a crash leaves either the old or the new state, never half of one.
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
}
