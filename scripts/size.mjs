// Bundle size of each published entry, min+gzip, the way an app's bundler would see it:
// React, the vendor SDKs and analytics-next external; @flagbridge/core bundled into the React
// entries. The vendors' own React wrappers are measured the same way, for comparison.
//
//   pnpm build && node scripts/size.mjs          (a table)
//   node scripts/size.mjs --json                 (the figures, for tools)
//
// test/budget/bundleSize.test.ts imports measureSizes() and asserts the budgets in DESIGN.md.
import { existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** What the app installs beside FlagBridge: never counted in FlagBridge's size. */
export const PEERS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  'configcat-react',
  'launchdarkly-react-client-sdk',
  '@segment/analytics-next',
  '@configcat/sdk',
  'launchdarkly-js-client-sdk',
]

/** Bytes gzip level 9 makes of `code`. */
export function gzipSize(code) {
  return gzipSync(code, { level: 9 }).length
}

function packageEntry(name) {
  // Resolved by esbuild from the root, as an app's bundler would (browser/module fields first).
  return { package: name }
}

/** FlagBridge's entries (built files) and the vendors' React wrappers, with their budgets in bytes. */
export function entries() {
  const react = (file) => join(root, 'packages/react/dist', file)
  return [
    { name: '@flagbridge/react', file: react('index.js'), budget: 6_000, group: 'flagbridge' },
    { name: '@flagbridge/react/configcat', file: react('configcat.js'), budget: 6_000, group: 'flagbridge' },
    {
      name: '@flagbridge/react/launchdarkly',
      file: react('launchdarkly.js'),
      budget: 6_000,
      group: 'flagbridge',
    },
    { name: '@flagbridge/react/devtools', file: react('devtools.js'), budget: 15_000, group: 'flagbridge' },
    {
      name: '@flagbridge/core',
      file: join(root, 'packages/core/dist/index.js'),
      budget: 6_000,
      group: 'flagbridge',
    },
    {
      name: 'configcat-react',
      file: packageEntry('configcat-react'),
      group: 'vendor',
      note: '@configcat/sdk external',
    },
    {
      name: 'launchdarkly-react-client-sdk',
      file: packageEntry('launchdarkly-react-client-sdk'),
      group: 'vendor',
      note: 'launchdarkly-js-client-sdk external',
    },
    {
      name: '@configcat/sdk',
      file: packageEntry('@configcat/sdk'),
      group: 'sdk',
      note: 'what configcat-react needs',
    },
    {
      name: 'launchdarkly-js-client-sdk',
      file: packageEntry('launchdarkly-js-client-sdk'),
      group: 'sdk',
      note: 'what launchdarkly-react-client-sdk needs',
    },
  ]
}

/** Thrown when `pnpm build` has not produced the file to measure. */
export class MissingBuildError extends Error {
  constructor(file) {
    super(
      `${relative(root, file)} does not exist: build the packages first (pnpm build), then measure. ` +
        'The size budgets measure the published dist, not the sources.',
    )
    this.name = 'MissingBuildError'
    this.code = 'MISSING_BUILD'
  }
}

/** Bundles one entry (minified ESM, peers external, the rest inlined) and measures it. */
export async function measure(entry) {
  if (typeof entry.file === 'string' && !existsSync(entry.file)) throw new MissingBuildError(entry.file)
  // An SDK measured on its own is the subject, not a peer.
  const external = PEERS.filter((peer) => peer !== entry.name)
  const result = await build({
    ...(typeof entry.file === 'string'
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: `export * from '${entry.file.package}'`, resolveDir: root, loader: 'js' } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external,
    write: false,
    logLevel: 'silent',
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.keys(result.metafile.inputs)
  return {
    ...entry,
    minified: code.length,
    gzip: gzipSize(code),
    modules: inputs.length,
    bundlesCore: inputs.some((input) => input.includes('packages/core/dist/')),
  }
}

export async function measureSizes() {
  const results = []
  for (const entry of entries()) results.push(await measure(entry))
  return results
}

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`

export function formatTable(results) {
  const rows = [
    ['entry', 'min', 'min+gzip', 'budget', ''],
    ...results.map((result) => [
      result.name,
      kB(result.minified),
      kB(result.gzip),
      result.budget ? kB(result.budget) : '',
      result.budget ? (result.gzip <= result.budget ? 'ok' : 'OVER BUDGET') : (result.note ?? ''),
    ]),
  ]
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`
  return [
    line(rows[0]),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const results = await measureSizes()
    if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2))
    else {
      console.log('min+gzip (gzip -9), esbuild --bundle --minify --format=esm; external:', PEERS.join(', '))
      console.log(formatTable(results))
    }
    if (results.some((result) => result.budget && result.gzip > result.budget)) process.exitCode = 1
  } catch (error) {
    console.error(error instanceof MissingBuildError ? error.message : error)
    process.exitCode = 1
  }
}
