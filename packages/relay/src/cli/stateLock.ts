import { open, readFile, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { RelayError } from '../errors'

/** A held lock; `release` removes the lock file. */
export interface StateLock {
  release(): Promise<void>
}

/**
 * Takes `<statePath>.lock` (created exclusively, holding pid, host and time), so two runs on one
 * state file cannot interleave their chunks and journals. A lock left by a process that no
 * longer runs on this host is taken over; any other is refused.
 *
 * @throws {RelayError} `STATE_FILE_LOCKED` while another run holds it.
 * @example
 * const lock = await lockStateFile('beta.state.json')
 * try { ... } finally { await lock.release() }
 */
export async function lockStateFile(statePath: string): Promise<StateLock> {
  const path = `${statePath}.lock`
  const owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(`${JSON.stringify(owner)}\n`)
      await handle.close()
      return { release: () => rm(path, { force: true }) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = await readHolder(path)
      if (attempt === 0 && holder && isGone(holder)) {
        await rm(path, { force: true })
        continue
      }
      throw new RelayError(
        'STATE_FILE_LOCKED',
        `${statePath} is locked by another run${holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since})` : ''}. ` +
          `Wait for it to finish; if it was killed, delete ${path}.`,
      )
    }
  }
  throw new RelayError('STATE_FILE_LOCKED', `Could not lock ${statePath}.`)
}

async function readHolder(path: string): Promise<{ pid: number; host: string; since: string } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
}

function isGone(holder: { pid: number; host: string }): boolean {
  if (holder.host !== hostname() || !Number.isInteger(holder.pid)) return false
  try {
    process.kill(holder.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
