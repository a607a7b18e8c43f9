import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { render, screen, waitFor } from '@testing-library/react'
import { useFeatureFlag } from 'configcat-react'
import { useFlags } from 'launchdarkly-react-client-sdk'
import { describe, expect, it } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey, launchDarklyOffline } from './fixtures'

function AppReadsSdksDirectly() {
  const { value: promo } = useFeatureFlag('promo', false)
  const { darkMode } = useFlags()
  return (
    <p data-testid="direct">
      promo={String(promo)} darkMode={String(darkMode)}
    </p>
  )
}

function AlsoThroughTheHook() {
  const { value } = useTrackedFlag('promo', false)
  return <p data-testid="hook">{String(value)}</p>
}

describe('tracking.sdkEvaluations', () => {
  it("tracks the app's own ConfigCat and LaunchDarkly reads, deduplicated with the hook's", async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <AppReadsSdksDirectly />
        <AlsoThroughTheHook />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('direct').textContent).toBe('promo=true darkMode=true'))
    expect(screen.getByTestId('hook').textContent).toBe('true')
    await waitFor(() => expect(segment.tracks()).toHaveLength(2))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const tracked = segment
      .tracks()
      .map(
        (event) =>
          `${event.properties!.flag_provider} ${event.properties!.feature_flag_key}=${event.properties!.value} #${event.properties!.variation_id}`,
      )
      .sort()
    expect(tracked).toEqual(['configcat promo=true #promo-on', 'launchdarkly dark-mode=true #1'])
  })

  it('is off by default: only what the hook shows is tracked', async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals-off',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ dedupe: 'page' }}
      >
        <AppReadsSdksDirectly />
        <AlsoThroughTheHook />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('direct').textContent).toBe('promo=true darkMode=true'))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(segment.tracks().map((event) => event.properties!.feature_flag_key)).toEqual(['promo'])
  })

  it('never sends a default: keys the SDKs do not know are not exposures', async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    function ReadsTypos() {
      const { value: typo } = useFeatureFlag('promo-typo', false)
      const { notAFlag } = useFlags()
      const { value: promo } = useFeatureFlag('promo', false)
      return (
        <p data-testid="typos">
          {String(typo)} {String(notAFlag)} {String(promo)}
        </p>
      )
    }
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals-typos',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
          reactOptions: { useCamelCaseFlagKeys: false },
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <ReadsTypos />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('typos').textContent).toBe('false undefined true'))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(segment.tracks().map((event) => event.properties!.feature_flag_key)).toEqual(['promo'])
  })
})
