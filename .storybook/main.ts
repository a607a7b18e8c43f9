import type { StorybookConfig } from '@storybook/react-vite'
import type { Plugin } from 'vite'
import { vendorStandInPlugin } from './vendorStandIn.ts'

// Stories import the public package names (@flagbridge/react, /testing, /devtools): Vite
// resolves them through the workspace packages' exports map to their built dist, so run
// `pnpm build` first (the demo and build-storybook scripts do).
function publicPackagesFromDist(): Plugin {
  return {
    name: 'flagbridge-public-packages-from-dist',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.startsWith('@flagbridge/')) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      // Stories must exercise the exports map, as an app would: never the sources.
      if (resolved && !resolved.id.includes('/dist/'))
        this.error(`${source} resolved to ${resolved.id}, not to the package's dist: run \`pnpm build\`.`)
      return resolved
    },
  }
}

/** A static build says it has no vendor stand-in; on the dev server the stand-in answers this path. */
function embeddedVendorMode(): Plugin {
  return {
    name: 'flagbridge-embedded-vendor-mode',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'vendor-mode.json', source: '{ "standIn": false }\n' })
    },
  }
}

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  // Stories only (no .mdx pages): a pattern that matches nothing makes Storybook warn at start.
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs'],
  core: {
    // No accounts, no network: nothing phones home.
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
  },
  // The demos open on the stories, not on Storybook's own "Get started" checklist.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  typescript: { reactDocgen: 'react-docgen' },
  async viteFinal(viteConfig, { configType }) {
    const plugins = [...(viteConfig.plugins ?? []), publicPackagesFromDist()]
    // The dev server doubles as the vendors' endpoints; a static build falls back to offline SDKs.
    plugins.push(configType === 'DEVELOPMENT' ? vendorStandInPlugin() : embeddedVendorMode())
    return { ...viteConfig, plugins }
  },
}

export default config
