// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build, type Plugin } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// An app whose node_modules has @flagbridge/react and ONE vendor SDK: the other is "not installed".
const repo = resolve(__dirname, '../..')
let app: string

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'flagbridge-peers-'))
  mkdirSync(join(app, 'node_modules/@flagbridge'), { recursive: true })
  symlinkSync(join(repo, 'packages/react'), join(app, 'node_modules/@flagbridge/react'))
  symlinkSync(join(repo, 'packages/core'), join(app, 'node_modules/@flagbridge/core'))
})
afterAll(() => rmSync(app, { recursive: true, force: true }))

function notInstalled(name: string): Plugin {
  return {
    name: 'not-installed',
    enforce: 'pre',
    resolveId(source) {
      if (source === name || source.startsWith(`${name}/`))
        this.error(`Cannot find package '${name}' (not installed)`)
    },
  }
}

async function buildApp(source: string, missing: string) {
  const entry = join(app, `entry-${Math.random().toString(36).slice(2)}.jsx`)
  writeFileSync(entry, source)
  const output = await build({
    root: app,
    logLevel: 'silent',
    configFile: false,
    plugins: [notInstalled(missing)],
    resolve: { preserveSymlinks: false },
    build: {
      write: false,
      minify: false,
      rollupOptions: {
        input: entry,
        // The installed peers the app would bundle; the test is about the missing one.
        external: [/^react/, /^@segment\//, /^configcat-react/, /^launchdarkly-react-client-sdk/].filter(
          (pattern) => !pattern.test(missing),
        ),
      },
    },
  })
  const outputs = Array.isArray(output) ? output : [output]
  return outputs
    .flatMap((result) => ('output' in result ? result.output : []))
    .map((chunk) => ('code' in chunk ? chunk.code : ''))
    .join('\n')
}

const usage = (from: string) => `
import { createRoot } from 'react-dom/client'
import { FlagBridgeProvider, useTrackedFlag } from '${from}'
createRoot(document.getElementById('root')).render(<App />)
function App() {
  return <FlagBridgeProvider configcat={{ sdkKey: 'k' }}><Flag /></FlagBridgeProvider>
}
function Flag() { return String(useTrackedFlag('beta', false).value) }
`

describe('optional vendor peers', () => {
  it('a ConfigCat-only app builds from @flagbridge/react/configcat without launchdarkly-react-client-sdk', async () => {
    const code = await buildApp(usage('@flagbridge/react/configcat'), 'launchdarkly-react-client-sdk')
    expect(code).toContain('configcat-react')
    expect(code).not.toContain('launchdarkly-react-client-sdk')
  })

  it('a LaunchDarkly-only app builds from @flagbridge/react/launchdarkly without configcat-react', async () => {
    const code = await buildApp(usage('@flagbridge/react/launchdarkly'), 'configcat-react')
    expect(code).toContain('launchdarkly-react-client-sdk')
    expect(code).not.toContain('configcat-react')
  })

  it('the main entry binds both vendors, so it needs both installed', async () => {
    await expect(buildApp(usage('@flagbridge/react'), 'launchdarkly-react-client-sdk')).rejects.toThrow(
      /launchdarkly-react-client-sdk/,
    )
  })
})
