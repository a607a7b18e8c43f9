// Type tests: the vendors' own exported option and instance types are accepted as they are
// (checked by `pnpm typecheck`; never called at run time).
import { FlagBridgeProvider } from '@flagbridge/react'
import type { Analytics, AnalyticsBrowser } from '@segment/analytics-next'
import type {
  IReactAutoPollOptions,
  IReactLazyLoadingOptions,
  IReactManualPollOptions,
} from 'configcat-react'
import type { LDOptions } from 'launchdarkly-js-client-sdk'

declare const autoPoll: IReactAutoPollOptions
declare const lazyLoad: IReactLazyLoadingOptions
declare const manualPoll: IReactManualPollOptions
declare const ldOptions: LDOptions
declare const browser: AnalyticsBrowser
declare const analytics: Analytics

export function typeChecks() {
  for (const options of [autoPoll, lazyLoad, manualPoll])
    FlagBridgeProvider({ configcat: { sdkKey: 'configcat-sdk-1/x/y', options } })
  FlagBridgeProvider({ launchdarkly: { clientSideID: 'id', options: ldOptions } })
  FlagBridgeProvider({ segment: { analytics: browser } })
  FlagBridgeProvider({ segment: { analytics } })
  FlagBridgeProvider({ segment: { analytics: () => browser } })
  // @ts-expect-error a vendor's option of the wrong type is still refused
  FlagBridgeProvider({ configcat: { sdkKey: 'x', options: { pollIntervalSeconds: 'often' } } })
}
