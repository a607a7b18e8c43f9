import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { computeSegmentDelta } from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
// The CLI is the `@flagbridge/relay/cli` entry (Node only), kept out of the main entry.
import {
  CLI_HELP,
  type CliIo,
  readMemberCsv,
  readSyncState,
  runCli,
} from '../../packages/relay/src/cli/index'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { until } from './fakes/until'

const TOKEN = 'api-cli-token'
const BIN = fileURLToPath(new URL('../../packages/relay/dist/bin.js', import.meta.url))

let ld: FakeLaunchDarkly
let dir: string

beforeEach(async () => {
  ld = await startFakeLaunchDarkly(TOKEN)
  dir = await mkdtemp(join(tmpdir(), 'flagbridge-relay-'))
})
afterEach(async () => {
  await ld.close()
  await rm(dir, { recursive: true, force: true })
})

function io(options: { tty?: boolean; env?: Record<string, string | undefined> } = {}) {
  const out: string[] = []
  const err: string[] = []
  const sleeps: number[] = []
  const cliIo: CliIo = {
    stdout: { write: (text: string) => out.push(text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => err.push(text), isTTY: options.tty ?? false },
    env: options.env ?? { LD_ACCESS_TOKEN: TOKEN },
    cwd: dir,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
  }
  return { cliIo, stdout: () => out.join(''), stderr: () => err.join(''), sleeps }
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `user-${from + i}`)

async function writeCsv(name: string, members: string[], header = 'email,user_id,plan'): Promise<void> {
  const rows = members.map((id, i) => `"m${i}@example.com",${id},pro`)
  await writeFile(join(dir, name), `${header}\r\n${rows.join('\r\n')}\r\n`)
}

const args = (file: string, ...extra: string[]) => [
  'sync-segment',
  '--file',
  file,
  '--segment',
  'beta-users',
  '--project',
  'web',
  '--environment',
  'production',
  '--base-url',
  ld.url,
  ...extra,
]

const members = () => ld.members('web', 'production', 'beta-users')
const contextCalls = () => ld.calls.filter((call) => call.path.endsWith('/contexts'))

describe('flagbridge-relay sync-segment', () => {
  it('syncs 10,000 members in 10 requests, writes the state, and sends only the delta next time', async () => {
    await writeCsv('members.csv', ids(0, 10_000))
    const run = io()
    const code = await runCli(args('members.csv', '--state', 'state.json'), run.cliIo)
    expect(code, run.stderr()).toBe(0)
    expect(ld.calls.map((call) => call.status)).toEqual([201, ...Array(10).fill(204)])
    expect(ld.calls[0]?.body).toEqual({
      key: 'beta-users',
      name: 'beta-users',
      unbounded: true,
      unboundedContextKind: 'user',
    })
    expect(ld.addsApplied).toBe(10_000)
    expect(members()).toEqual(new Set(ids(0, 10_000)))
    expect(run.stdout()).toContain('Delta: +10000 -0 (10 requests)')
    expect(run.stdout()).toContain('Done: +10000 -0 in 10 requests.')
    // Plain progress lines when not on a TTY.
    expect(run.stderr()).toContain('progress 1000/10000 (10%)\n')
    expect(run.stderr()).toContain('progress 10000/10000 (100%)\n')
    expect(run.stderr()).not.toContain('\r')

    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))
    expect(state).toMatchObject({
      version: 1,
      project: 'web',
      environment: 'production',
      segment: 'beta-users',
    })
    expect(new Set(state.members)).toEqual(new Set(ids(0, 10_000)))

    // Next export: 500 left, 700 joined.
    await writeCsv('members.csv', [...ids(500, 9_500), ...ids(20_000, 700)])
    ld.calls.length = 0
    const second = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), second.cliIo)).toBe(0)
    expect(second.stdout()).toContain('Delta: +700 -500 (2 requests)')
    expect(ld.calls.map((call) => call.status)).toEqual([409, 204, 204])
    expect(contextCalls()[0]?.body.included.add).toHaveLength(700)
    expect(contextCalls()[0]?.body.included.remove).toHaveLength(300)
    expect(contextCalls()[1]?.body.included).toEqual({ add: [], remove: ids(300, 200) })
    expect(members()).toEqual(new Set([...ids(500, 9_500), ...ids(20_000, 700)]))
    expect(ld.addsApplied).toBe(10_700)
    expect(ld.removesApplied).toBe(500)
  })

  it('resumes without loss after the server fails mid-sync', async () => {
    await writeCsv('members.csv', ids(0, 10_000))
    ld.failContextsAfter = { accepted: 4, status: 500 }
    const failed = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), failed.cliIo)).toBe(1)
    expect(failed.stderr()).toContain('still failed after 5 retries (500')
    expect(failed.stderr()).toContain('Progress saved in')
    expect(failed.sleeps).toHaveLength(5) // bounded retries of the 5th chunk, no real waiting
    const saved = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))
    expect(saved.members).toHaveLength(4_000)
    expect(members().size).toBe(4_000)

    ld.failContextsAfter = undefined
    ld.calls.length = 0
    const resumed = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), resumed.cliIo)).toBe(0)
    expect(resumed.stdout()).toContain('Delta: +6000 -0 (6 requests)')
    expect(contextCalls()).toHaveLength(6)
    expect(members()).toEqual(new Set(ids(0, 10_000)))
    expect(ld.addsApplied).toBe(10_000) // nothing sent twice
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))
    expect(new Set(state.members)).toEqual(new Set(ids(0, 10_000)))
  })

  it('dry run prints the delta and sends nothing', async () => {
    await writeCsv('members.csv', ids(0, 2_500))
    const run = io({ env: {} })
    expect(await runCli(args('members.csv', '--dry-run', '--state', 'state.json'), run.cliIo)).toBe(0)
    expect(run.stdout()).toBe(
      '2500 members in members.csv (column "user_id"); no previous sync state.\n' +
        'Delta: +2500 -0 (3 requests).\nDry run: nothing sent.\n',
    )
    expect(ld.calls).toHaveLength(0)
    expect(existsSync(join(dir, 'state.json'))).toBe(false)
  })

  it('draws a progress bar on a TTY', async () => {
    await writeCsv('members.csv', ids(0, 2_000))
    const run = io({ tty: true })
    expect(await runCli(args('members.csv', '--chunk-size', '500'), run.cliIo)).toBe(0)
    expect(run.stderr()).toContain('\r[###############---------------]  50% 1000/2000')
    expect(run.stderr()).toContain('\r[##############################] 100% 2000/2000\n')
    expect(contextCalls()).toHaveLength(4)
  })

  it('fails clearly on a wrong token, a missing token, missing options and a foreign state file', async () => {
    await writeCsv('members.csv', ids(0, 10))
    const wrong = io({ env: { LD_ACCESS_TOKEN: 'nope' } })
    expect(await runCli(args('members.csv'), wrong.cliIo)).toBe(1)
    expect(wrong.stderr()).toContain('Use an API access token with write access to segments')
    expect(ld.calls).toHaveLength(1)

    const noToken = io({ env: {} })
    expect(await runCli(args('members.csv'), noToken.cliIo)).toBe(2)
    expect(noToken.stderr()).toContain('set LD_ACCESS_TOKEN or pass --token')

    const viaFlag = io({ env: {} })
    expect(await runCli(args('members.csv', '--token', TOKEN), viaFlag.cliIo)).toBe(0)

    const missing = io()
    expect(await runCli(['sync-segment', '--file', 'members.csv'], missing.cliIo)).toBe(2)
    expect(missing.stderr()).toContain('Missing --segment, --project, --environment')

    await writeFile(
      join(dir, 'other.json'),
      JSON.stringify({
        version: 1,
        project: 'web',
        environment: 'staging',
        segment: 'beta-users',
        members: [],
        updatedAt: '',
      }),
    )
    const foreign = io()
    expect(await runCli(args('members.csv', '--state', 'other.json'), foreign.cliIo)).toBe(1)
    expect(foreign.stderr()).toContain('belongs to web/staging/beta-users')

    const unknown = io()
    expect(await runCli(['sync-segment', '--bogus'], unknown.cliIo)).toBe(2)
  })

  it('prints help and the ConfigCat template', async () => {
    const help = io()
    expect(await runCli(['--help'], help.cliIo)).toBe(0)
    expect(help.stdout()).toBe(CLI_HELP)
    expect(CLI_HELP).toContain('--dry-run')
    const template = io()
    expect(await runCli(['template'], template.cliIo)).toBe(0)
    expect(template.stdout()).toContain('"changeDetails": ##ChangeDetails##')
    expect(await runCli([], io().cliIo)).toBe(2)
  })

  it.skipIf(!existsSync(BIN))('runs as the built bin', async () => {
    await writeCsv('members.csv', ids(0, 1_200))
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args('members.csv', '--state', 'state.json')], {
        cwd: dir,
        env: { PATH: process.env.PATH, LD_ACCESS_TOKEN: TOKEN },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => {
        stdout += chunk
      })
      child.stderr.on('data', (chunk) => {
        stderr += chunk
      })
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('Done: +1200 -0 in 2 requests.')
    expect(members().size).toBe(1_200)
  })
})

describe('member list and delta', () => {
  it('reads quoted CSV, picks user_id, then id, then the first column, or a named one', () => {
    const csv = '\uFEFFname,Id,user_id\r\n"Doe, Jane",1,u1\n"Say ""hi""",2,u2\n,3,\nx,4,u1\n'
    expect(readMemberCsv(csv)).toEqual({ column: 'user_id', ids: ['u1', 'u2'] })
    expect(readMemberCsv(csv, 'ID')).toEqual({ column: 'Id', ids: ['1', '2', '3', '4'] })
    expect(readMemberCsv(csv, 'name')).toEqual({ column: 'name', ids: ['Doe, Jane', 'Say "hi"', 'x'] })
    expect(readMemberCsv('email,id\na@x,7\n')).toEqual({ column: 'id', ids: ['7'] })
    expect(readMemberCsv('key\nk1\nk2')).toEqual({ column: 'key', ids: ['k1', 'k2'] })
    expect(() => readMemberCsv('')).toThrow(/empty/)
    expect(() => readMemberCsv('a,b\n1,2\n', 'user')).toThrow(/no column "user"/)
  })

  it('computes the delta', () => {
    expect(computeSegmentDelta(['a', 'b', 'c'], ['b', 'c', 'd', 'd'])).toEqual({ add: ['d'], remove: ['a'] })
  })
})

// Case 9 of issue 14: a malformed or truncated export must not empty a segment.
describe('sync-segment against forged and malformed exports', () => {
  const target = { project: 'web', environment: 'production', segment: 'beta-users' }
  const baseline = async (count: number) => {
    await writeCsv('members.csv', ids(0, count))
    const first = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), first.cliIo), first.stderr()).toBe(0)
    ld.calls.length = 0
  }

  it('refuses an unclosed quote with its line number, and sends nothing', async () => {
    await baseline(5)
    await writeFile(join(dir, 'members.csv'), 'user_id\nuser-0\n"user-1\nuser-2\nuser-3\nuser-4\n')
    const run = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), run.cliIo)).toBe(2)
    expect(run.stderr()).toMatch(/members\.csv line \d+: Quote Not Closed/)
    expect(ld.calls).toEqual([])
    expect(members()).toEqual(new Set(ids(0, 5)))
  })

  it('refuses other malformed rows by line: a stray quote, a row with another number of fields', async () => {
    expect(() => readMemberCsv('user_id,plan\nu1,pro\nu2,"pro"x\n', undefined, 'a.csv')).toThrow(
      /a\.csv line 3: Invalid Closing Quote/,
    )
    expect(() => readMemberCsv('user_id,plan\nu1,pro\nu2\n', undefined, 'a.csv')).toThrow(
      /a\.csv line 3: Invalid Record Length/,
    )
  })

  it('does not read ids from the first column when the header has no id column', async () => {
    await baseline(5)
    await writeFile(join(dir, 'members.csv'), 'email,User ID\na@x.io,user-0\nb@x.io,user-1\n')
    const run = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), run.cliIo)).toBe(2)
    expect(run.stderr()).toContain('has no "user_id" or "id" column (line 1: email, User ID)')
    expect(ld.calls).toEqual([])
    const named = io()
    expect(
      await runCli(
        args('members.csv', '--state', 'state.json', '--column', 'User ID', '--force'),
        named.cliIo,
      ),
    ).toBe(0)
    expect(members()).toEqual(new Set(ids(0, 2)))
  })

  it('refuses a header-only file, which would remove every member, unless forced', async () => {
    await baseline(5)
    await writeFile(join(dir, 'members.csv'), 'user_id\n')
    const refused = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), refused.cliIo)).toBe(3)
    expect(refused.stderr()).toContain('would remove 5 of 5 members, more than --max-removals 1')
    expect(ld.calls).toEqual([])
    const forced = io()
    expect(await runCli(args('members.csv', '--state', 'state.json', '--force'), forced.cliIo)).toBe(0)
    expect(members()).toEqual(new Set())
  })

  it('--max-removals: 10% of the segment by default, or the given number', async () => {
    await baseline(100)
    await writeCsv('members.csv', ids(15, 85))
    const refused = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), refused.cliIo)).toBe(3)
    expect(refused.stderr()).toContain('would remove 15 of 100 members, more than --max-removals 10')
    const dryRun = io()
    expect(await runCli(args('members.csv', '--state', 'state.json', '--dry-run'), dryRun.cliIo)).toBe(3)
    const allowed = io()
    expect(
      await runCli(args('members.csv', '--state', 'state.json', '--max-removals', '15'), allowed.cliIo),
    ).toBe(0)
    expect(members()).toEqual(new Set(ids(15, 85)))
    expect(await runCli(args('members.csv', '--max-removals', 'lots'), io().cliIo)).toBe(2)
  })

  it('locks the state file: a second run while the first is sending is refused; a lock left by a dead process is taken over', async () => {
    await writeCsv('members.csv', ids(0, 10))
    const release = ld.hold()
    const first = io()
    const running = runCli(args('members.csv', '--state', 'state.json'), first.cliIo)
    await until(() => ld.received === 1, 'the first run to reach LaunchDarkly')
    const second = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), second.cliIo)).toBe(1)
    expect(second.stderr()).toContain(
      `state.json is locked by another run (pid ${process.pid} on ${hostname()}`,
    )
    release()
    expect(await running).toBe(0)
    expect(existsSync(join(dir, 'state.json.lock'))).toBe(false)

    // A run that was killed leaves its lock; its pid no longer runs.
    await writeFile(
      join(dir, 'state.json.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: '' }),
    )
    expect(await runCli(args('members.csv', '--state', 'state.json'), io().cliIo)).toBe(0)
  })

  it('writes progress incrementally: one journal line per accepted chunk, the state file itself once at the end', async () => {
    await baseline(10_000)
    const statePath = join(dir, 'state.json')
    const journal = `${statePath}.journal`
    const before = statSync(statePath)
    const seen: Array<{ ino: number; size: number; lines: number }> = []
    ld.onContexts = () => {
      seen.push({
        ino: statSync(statePath).ino,
        size: statSync(statePath).size,
        lines: existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0,
      })
    }
    await writeCsv('members.csv', [...ids(0, 10_000), ...ids(50_000, 2_500)])
    const run = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), run.cliIo)).toBe(0)
    // While the 3 chunks were sent, the 10,000-member state was neither rewritten nor replaced.
    expect(seen).toEqual([
      { ino: before.ino, size: before.size, lines: 0 },
      { ino: before.ino, size: before.size, lines: 1 },
      { ino: before.ino, size: before.size, lines: 2 },
    ])
    expect(existsSync(journal)).toBe(false)
    const state = await readSyncState(statePath, target)
    expect(state?.members).toHaveLength(12_500)
  })

  it('resumes from the journal a killed run left behind, ignoring a torn last line', async () => {
    await baseline(3)
    const statePath = join(dir, 'state.json')
    await writeFile(
      `${statePath}.journal`,
      `${JSON.stringify({ add: ['x1', 'x2'], remove: ['user-0'] })}\n{"add":["x3"`,
    )
    const state = await readSyncState(statePath, target)
    expect(new Set(state?.members)).toEqual(new Set(['user-1', 'user-2', 'x1', 'x2']))
    await writeCsv('members.csv', ['user-1', 'user-2', 'x1', 'x2', 'x3'])
    const run = io()
    expect(await runCli(args('members.csv', '--state', 'state.json'), run.cliIo)).toBe(0)
    expect(run.stdout()).toContain('Delta: +1 -0 (1 request)')
  })
})
