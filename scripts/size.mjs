// Bundle size of each published entry, min+gzip, the way an app's bundler would see it:
// React, the vendor SDKs and analytics-next external; @flagbridge/core bundled into the React
// entries. The vendors' own React wrappers are measured the same way, for comparison.
//
//   pnpm build && node scripts/size.mjs          (a table)
//   node scripts/size.mjs --json                 (the figures, for tools)
//   node scripts/size.mjs --report               (exit 0 even over a budget: pnpm bench)
//
// test/budget/bundleSize.test.ts imports measureSizes() and asserts the budgets in DESIGN.md.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
    {
      name: '@flagbridge/react',
      file: react('index.js'),
      budget: 6_000,
      totalBudget: 11_750,
      group: 'flagbridge',
    },
    { name: '@flagbridge/react/configcat', file: react('configcat.js'), budget: 5_000, group: 'flagbridge' },
    {
      name: '@flagbridge/react/launchdarkly',
      file: react('launchdarkly.js'),
      budget: 5_000,
      group: 'flagbridge',
    },
    { name: '@flagbridge/react/devtools', file: react('devtools.js'), budget: 15_000, group: 'flagbridge' },
    {
      name: '@flagbridge/core',
      file: join(root, 'packages/core/dist/index.js'),
      group: 'flagbridge',
      note: 'engine and tracking in one entry; no page imports it whole',
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

/** The critical path of an esbuild metafile's outputs: the entry and what it imports statically, transitively. */
export function criticalOutputs(outputs) {
  const critical = new Set()
  const visit = (path) => {
    if (critical.has(path)) return
    critical.add(path)
    for (const imported of outputs[path].imports)
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path)
  }
  visit(Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined))
  return critical
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

/**
 * Bundles one entry as an app's bundler would (minified ESM, code splitting on, peers external,
 * the rest inlined) and measures it, min+gzip per file:
 * - `gzip`, the critical path: the entry and every chunk it imports statically, which a page
 *   downloads and parses before FlagBridge renders flags;
 * - `total`: that plus the chunks it loads later with `import()` (tracking, analytics loaders).
 */
export async function measure(entry) {
  if (typeof entry.file === 'string' && !existsSync(entry.file)) throw new MissingBuildError(entry.file)
  // An SDK measured on its own is the subject, not a peer.
  const external = PEERS.filter((peer) => peer !== entry.name)
  const outdir = mkdtempSync(join(tmpdir(), 'flagbridge-size-'))
  try {
    const result = await build({
      ...(typeof entry.file === 'string'
        ? { entryPoints: { entry: entry.file } }
        : {
            stdin: {
              contents: `export * from '${entry.file.package}'`,
              resolveDir: root,
              loader: 'js',
              sourcefile: 'entry.js',
            },
          }),
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      external,
      outdir,
      write: false,
      logLevel: 'silent',
      metafile: true,
      define: { 'process.env.NODE_ENV': '"production"' },
    })
    const files = new Map(result.outputFiles.map((file) => [relative(outdir, file.path), file.contents]))
    const outputs = result.metafile.outputs
    const name = (path) => relative(outdir, join(root, path))
    const critical = criticalOutputs(outputs)
    const sizeOf = (paths) => {
      let minified = 0
      let gzip = 0
      for (const path of paths) {
        const code = files.get(name(path))
        minified += code.length
        gzip += gzipSize(code)
      }
      return { minified, gzip }
    }
    const jsOutputs = Object.keys(outputs).filter((path) => path.endsWith('.js'))
    const criticalSize = sizeOf(critical)
    const totalSize = sizeOf(jsOutputs)
    const inputs = Object.keys(result.metafile.inputs)
    const criticalInputs = [...critical].flatMap((path) => Object.keys(outputs[path].inputs))
    const criticalCode = [...critical]
      .map((path) => new TextDecoder().decode(files.get(name(path))))
      .join('\n')
    return {
      ...entry,
      minified: criticalSize.minified,
      gzip: criticalSize.gzip,
      totalMinified: totalSize.minified,
      total: totalSize.gzip,
      chunks: jsOutputs.length,
      modules: inputs.length,
      bundlesCore: inputs.some((input) => input.includes('packages/core/dist/')),
      criticalModules: criticalInputs,
      /** The critical path's code, to check what is (not) on it. */
      criticalCode,
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

export async function measureSizes() {
  const results = []
  for (const entry of entries()) results.push(await measure(entry))
  return results
}

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`

/** The critical path within `budget` and, where the entry has one, everything within `totalBudget`. */
export function isWithinBudget(result) {
  return result.gzip <= result.budget && (!result.totalBudget || result.total <= result.totalBudget)
}

export function formatTable(results) {
  const rows = [
    ['entry', 'critical path', 'everything', 'budget (critical / everything)', ''],
    ...results.map((result) => [
      result.name,
      kB(result.gzip),
      result.total === result.gzip ? '' : kB(result.total),
      result.budget ? kB(result.budget) + (result.totalBudget ? ` / ${kB(result.totalBudget)}` : '') : '',
      result.budget ? (isWithinBudget(result) ? 'ok' : 'OVER BUDGET') : (result.note ?? ''),
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
    if (process.argv.includes('--json'))
      console.log(
        JSON.stringify(
          results.map(({ criticalCode, ...result }) => result),
          null,
          2,
        ),
      )
    else {
      console.log(
        'min+gzip (gzip -9, per file), esbuild --bundle --minify --splitting --format=esm; external:',
        PEERS.join(', '),
      )
      console.log(
        'critical path: the entry and its static imports; everything: plus the chunks it loads with import()',
      )
      console.log(formatTable(results))
    }
    // `--report` (pnpm bench): the table only; test/budget asserts the budgets.
    const over = results.some((result) => result.budget && !isWithinBudget(result))
    if (over && !process.argv.includes('--report')) process.exitCode = 1
  } catch (error) {
    console.error(error instanceof MissingBuildError ? error.message : error)
    process.exitCode = 1
  }
}
