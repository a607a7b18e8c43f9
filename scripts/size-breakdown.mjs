// Where the bytes of an entry go: each source module's minified bytes, and what each feature
// costs in min+gzip (the entry measured again with that feature's modules left out).
//
//   node scripts/size-breakdown.mjs                 (@flagbridge/react main entry)
//   node scripts/size-breakdown.mjs --entry core    (@flagbridge/core)
//
// The module table says which modules a page loads before the first render (the critical path,
// counted as scripts/size.mjs counts it) and which after mount (the tracking chunk).
//
// Bundled from the sources into one file (the tracking chunk inlined), with the options
// scripts/size.mjs uses for the built files, so the minified total agrees with `pnpm size`'s
// "everything" to within a few percent (chunk wrappers, tsup's output).
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { criticalOutputs, gzipSize, PEERS } from './size.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const core = (name) => `packages/core/src/${name}.ts`
const react = (name) => `packages/react/src/${name}`

const ENTRIES = {
  react: react('index.ts'),
  configcat: react('entries/configcat.ts'),
  launchdarkly: react('entries/launchdarkly.ts'),
  core: core('index'),
}

/** Features, by the modules only they need. Leaving one out shows what it costs. */
export const FEATURES = [
  {
    feature: 'ConfigCat adapter and binding',
    modules: [core('configCatVendor'), react('vendors/ConfigCatBinding.tsx')],
  },
  {
    feature: 'LaunchDarkly adapter, binding and client sharing',
    modules: [
      core('launchDarklyVendor'),
      core('launchDarklyContext'),
      core('launchDarklyContextSwitch'),
      react('vendors/LaunchDarklyBinding.tsx'),
      react('vendors/launchDarklyClients.ts'),
    ],
  },
  {
    feature: 'Segment destination and loader',
    modules: [core('segmentDestination'), react('segmentLoader.ts')],
  },
  {
    feature: 'Heap destination and cookie budget',
    modules: [core('heapDestination'), core('heapEventProperties')],
  },
  {
    feature: 'Exposure pipeline (tracker, ledger, payloads, event log)',
    modules: [core('exposureTracker'), core('exposureLedger'), core('exposure'), core('eventLog')],
  },
  {
    feature: 'Flag store and evaluation',
    modules: [core('flagStore'), core('evaluateFlag'), core('evaluation')],
  },
  { feature: 'User validation and mapping', modules: [core('user'), core('publicTraits')] },
]

/** Replaces a module with empty exports of the same names: its callers stay, its body goes. */
function stubPlugin(modules) {
  const stubbed = new Set(modules.map((module) => join(root, module)))
  return {
    name: 'leave-out',
    setup(build) {
      build.onLoad({ filter: /\.(ts|tsx)$/ }, (args) => {
        if (!stubbed.has(args.path)) return undefined
        const source = readFileSync(args.path, 'utf8')
        const names = [...source.matchAll(/^export (?:async )?(?:function|const|class|let) (\w+)/gm)].map(
          (match) => match[1],
        )
        return { contents: names.map((name) => `export const ${name} = void 0`).join('\n'), loader: 'js' }
      })
    },
  }
}

async function bundle(entry, leaveOut = [], { splitting = false } = {}) {
  const result = await build({
    entryPoints: { entry: join(root, entry) },
    bundle: true,
    minify: true,
    splitting,
    outdir: join(root, 'node_modules/.size-breakdown'),
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: PEERS,
    write: false,
    logLevel: 'silent',
    metafile: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: {
      '@flagbridge/core/engine': join(root, core('engine')),
      '@flagbridge/core/tracking': join(root, core('tracking')),
      '@flagbridge/core': join(root, core('index')),
    },
    plugins: leaveOut.length ? [stubPlugin(leaveOut)] : [],
  })
  const code = result.outputFiles[0].text
  const output = Object.values(result.metafile.outputs)[0]
  return {
    code,
    minified: code.length,
    gzip: gzipSize(code),
    inputs: output.inputs,
    metafile: result.metafile,
  }
}

/** The source modules on the critical path: in the entry or a chunk it imports statically (as scripts/size.mjs counts). */
async function criticalModules(entry) {
  const { outputs } = (await bundle(entry, [], { splitting: true })).metafile
  return new Set([...criticalOutputs(outputs)].flatMap((path) => Object.keys(outputs[path].inputs)))
}

/** Every string literal over 24 characters replaced by one letter: an upper bound on what messages cost. */
function withoutLongTexts(code) {
  return code.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, (text) =>
    text.length > 24 ? `${text[0]}E${text[0]}` : text,
  )
}

export async function breakdown(entryName = 'react') {
  const entry = ENTRIES[entryName]
  if (!entry) throw new Error(`Unknown entry ${entryName}: use one of ${Object.keys(ENTRIES).join(', ')}`)
  const full = await bundle(entry)
  const critical = await criticalModules(entry)
  const modules = Object.entries(full.inputs)
    .map(([path, { bytesInOutput }]) => ({
      module: relative(root, join(root, path)),
      minified: bytesInOutput,
      critical: critical.has(path),
    }))
    .filter((row) => row.minified > 0)
    .sort((a, b) => b.minified - a.minified)
  const features = []
  for (const { feature, modules: featureModules } of FEATURES) {
    const present = featureModules.filter((module) => modules.some((row) => row.module === module))
    if (present.length === 0) continue
    const without = await bundle(entry, present)
    features.push({ feature, gzip: full.gzip - without.gzip, minified: full.minified - without.minified })
  }
  // The floor: serving flags from both vendors, with no tracking at all.
  const trackingModules = FEATURES.slice(2, 5).flatMap((row) => row.modules)
  const evaluationOnly = await bundle(
    entry,
    trackingModules.filter((module) => modules.some((row) => row.module === module)),
  )
  const texts = withoutLongTexts(full.code)
  features.push({
    feature: 'Message texts (every string over 24 characters)',
    gzip: full.gzip - gzipSize(texts),
    minified: full.minified - texts.length,
  })
  return {
    entry,
    minified: full.minified,
    gzip: full.gzip,
    modules,
    features,
    evaluationOnly: { minified: evaluationOnly.minified, gzip: evaluationOnly.gzip },
  }
}

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flag = process.argv.indexOf('--entry')
  const result = await breakdown(flag > 0 ? process.argv[flag + 1] : 'react')
  console.log(`${result.entry}: ${kB(result.minified)} min, ${kB(result.gzip)} min+gzip\n`)
  console.log('| feature (left out) | min | min+gzip | share |\n| --- | --- | --- | --- |')
  for (const row of result.features)
    console.log(
      `| ${row.feature} | ${kB(row.minified)} | ${kB(row.gzip)} | ${Math.round((100 * row.gzip) / result.gzip)}% |`,
    )
  console.log(
    `\nWithout Segment, Heap and the exposure pipeline (flags only, nothing tracked): ${kB(result.evaluationOnly.minified)} min, ${kB(result.evaluationOnly.gzip)} min+gzip`,
  )
  console.log('\n| module | min | loaded |\n| --- | --- | --- |')
  for (const row of result.modules)
    console.log(
      `| ${row.module} | ${kB(row.minified)} | ${row.critical ? 'before the first render' : 'after mount'} |`,
    )
}
