// Every benchmark of issue 7 in one run, with the machine it ran on:
//   pnpm build && node test/bench/run.mjs            (BENCH_RUNS, BENCH_COMPONENTS, BENCH_FLAGS apply)
// The React part runs in jsdom, then in Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
// Prints each part as it goes and writes .vitest-artifacts/benchmarks.md (the tables in BENCHMARKS.md).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const sections = []

function run(title, command, args, { env } = {}) {
  console.log(`\n## ${title}\n$ ${[command, ...args].join(' ')}`)
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  process.stdout.write(result.stdout ?? '')
  if (result.status !== 0) {
    process.stderr.write(result.stderr ?? '')
    process.exitCode = 1
  }
  return output
}

function machine() {
  let cpu = 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim()
  const dirty = git(['status', '--porcelain', '--', 'packages']) ? ' (packages/ modified)' : ''
  return [
    `- CPU: ${cpu}, ${availableParallelism()} logical CPUs (nproc)`,
    `- Node ${process.version}, ${process.platform} ${process.arch}`,
    `- commit ${process.env.BENCH_COMMIT ?? git(['rev-parse', '--short', 'HEAD'])}${dirty}, ${new Date().toISOString()}`,
  ].join('\n')
}

if (!existsSync(join(root, 'packages/core/dist/index.js'))) {
  console.error('packages/core/dist is missing: run pnpm build first.')
  process.exit(1)
}

sections.push(`## Machine\n\n${machine()}`)
console.log(sections[0])

const hotPath = run('3. Exposure hot path (Node)', process.execPath, [
  '--expose-gc',
  'test/bench/exposureHotPath.mjs',
])
const evaluationPath = run('3b. Evaluation path without React (Node)', process.execPath, [
  'test/bench/evaluationHotPath.mjs',
])
sections.push(`## 3. Exposure hot path (Node)\n\n\`\`\`\n${hotPath.trim()}\n${evaluationPath.trim()}\n\`\`\``)

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
run('1, 2, 4. React (jsdom, React production build)', npx, [
  'vitest',
  'run',
  '-c',
  'test/bench/react/vitest.config.ts',
  '--silent=false',
])
const reactTables = join(root, '.vitest-artifacts/bench-react.md')
if (existsSync(reactTables)) sections.push(`## React, jsdom\n${readFileSync(reactTables, 'utf8')}`)

// The same scenarios in Debian's Chromium (test/bench/browser/): after the jsdom part, whose
// bench-react.json it compares the render counts with. No stale tables if it fails to run.
const chromiumTables = join(root, '.vitest-artifacts/bench-react-chromium.md')
rmSync(chromiumTables, { force: true })
run('1, 2, 4. React (Chromium, React production build)', npx, [
  'vitest',
  'run',
  '-c',
  'test/bench/browser/vitest.config.ts',
  '--silent=false',
])
if (existsSync(chromiumTables))
  sections.push(`## React, Chromium\n${readFileSync(chromiumTables, 'utf8').trimEnd()}`)

// Budgets are reported here and asserted by test/budget in `pnpm test`: over one is not a failed run.
const sizes = run('Bundle sizes', process.execPath, ['scripts/size.mjs', '--report'])
sections.push(`## Bundle sizes\n\n${sizes.trim()}`)
const costs = run('Where the main entry’s bytes go', process.execPath, ['scripts/size-breakdown.mjs'])
sections.push(`## Where the main entry’s bytes go\n\n${costs.trim()}`)

mkdirSync(join(root, '.vitest-artifacts'), { recursive: true })
writeFileSync(join(root, '.vitest-artifacts/benchmarks.md'), `${sections.join('\n\n')}\n`)
console.log('\nwrote .vitest-artifacts/benchmarks.md')
