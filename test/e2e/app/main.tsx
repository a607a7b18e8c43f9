// The e2e harness app: built by Vite against the PACKED @flagbridge packages, configured
// by the page URL, talking to the vendor stand-ins on its own origin.
import {
  type FlagBridgeError,
  FlagBridgeProvider,
  type FlagBridgeUser,
  useFlagBridge,
  useTrackedFlag,
} from '@flagbridge/react'
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'

const query = new URLSearchParams(location.search)
const origin = location.origin

/** The users the buttons switch between; `email` is private, so it never reaches analytics. */
const USERS: Record<string, FlagBridgeUser> = {
  'user-1': {
    id: 'user-1',
    email: 'ada@example.com',
    name: 'Ada',
    country: 'GB',
    attributes: { plan: 'pro' },
    privateAttributes: ['email'],
  },
  'user-2': {
    id: 'user-2',
    email: 'bob@example.com',
    name: 'Bob',
    attributes: { plan: 'free' },
    privateAttributes: ['email'],
  },
}

type FlagType = 'bool' | 'text' | 'number'
interface FlagSpec {
  key: string
  type: FlagType
  source: 'configcat' | 'launchdarkly' | undefined
}

/** `flags=new-checkout:bool,banner-text:text:launchdarkly` */
const flags: FlagSpec[] = (query.get('flags') ?? '')
  .split(',')
  .filter(Boolean)
  .map((spec) => {
    const [key = '', type = 'bool', source] = spec.split(':')
    return { key, type: type as FlagType, source: source as FlagSpec['source'] }
  })

const DEFAULTS: Record<FlagType, boolean | string | number> = { bool: false, text: 'default', number: 0 }

const errors: string[] = []
const debug = { errors, renders: 0, api: undefined as ReturnType<typeof useFlagBridge> | undefined }
;(window as unknown as { __flagbridge: typeof debug }).__flagbridge = debug

function Flag({ spec }: { spec: FlagSpec }) {
  const flag = useTrackedFlag(spec.key, DEFAULTS[spec.type], spec.source ? { source: spec.source } : {})
  return (
    <li
      data-testid={`flag-${spec.key}`}
      data-value={JSON.stringify(flag.value)}
      data-loading={String(flag.loading)}
      data-default={String(flag.isDefault)}
      data-source={flag.source ?? ''}
      data-variation={flag.variationId ?? ''}
      data-error={flag.error?.code ?? ''}
    >
      {spec.key}={JSON.stringify(flag.value)}
      {flag.error ? <span data-testid={`flag-${spec.key}-error`}>{flag.error.message}</span> : null}
    </li>
  )
}

function Controls({ setUser, consent, setConsent }: ControlsProps) {
  const api = useFlagBridge()
  debug.api = api
  return (
    <div>
      <button type="button" data-testid="switch-user" onClick={() => setUser('user-2')}>
        Switch to user-2
      </button>
      <button type="button" data-testid="sign-out" onClick={() => setUser(undefined)}>
        Sign out
      </button>
      <button type="button" data-testid="toggle-consent" onClick={() => setConsent(!consent)}>
        Consent {consent ? 'on' : 'off'}
      </button>
      <button type="button" data-testid="reload" onClick={() => location.reload()}>
        Reload
      </button>
    </div>
  )
}

interface ControlsProps {
  setUser: (id: string | undefined) => void
  consent: boolean
  setConsent: (consent: boolean) => void
}

function App() {
  const [userId, setUser] = useState<string | undefined>(query.get('user') || undefined)
  const [consent, setConsent] = useState(query.get('consent') !== '0')
  const [errorList, setErrorList] = useState<string[]>([])
  debug.renders++
  useEffect(() => {
    document.body.dataset.ready = 'true'
  }, [])

  const ccKey = query.get('cc')
  const ldEnv = query.get('ld')
  const segKey = query.get('seg')
  const user = userId ? USERS[userId] : undefined
  const onError = (error: FlagBridgeError) => {
    errors.push(`${error.code}: ${error.message}`)
    setErrorList([...errors])
  }

  return (
    <FlagBridgeProvider
      configcat={
        ccKey
          ? {
              sdkKey: ccKey,
              options: {
                baseUrl: `${origin}/cc`,
                pollIntervalSeconds: Number(query.get('ccPoll') ?? 60),
                maxInitWaitTimeSeconds: Number(query.get('ccWait') ?? 5),
                requestTimeoutMs: Number(query.get('ccRequestTimeout') ?? 3000),
              },
            }
          : undefined
      }
      launchdarkly={
        ldEnv
          ? {
              clientSideID: ldEnv,
              // ldTimeout in seconds, for short URLs.
              timeoutMs: Number(query.get('ldTimeout') ?? 5) * 1000,
              options: {
                baseUrl: `${origin}/ld`,
                streamUrl: `${origin}/ld-stream`,
                eventsUrl: `${origin}/ld-events`,
                streaming: query.get('ldStream') === '1',
                flushInterval: 2000,
              },
            }
          : undefined
      }
      segment={
        segKey
          ? {
              writeKey: segKey,
              settings: { cdnURL: `${origin}/seg-cdn` },
              options: {
                integrations: { 'Segment.io': { apiHost: `${location.host}/seg`, protocol: 'http' } },
              },
            }
          : undefined
      }
      heap={query.get('heap') ? {} : undefined}
      user={user ? { ...user } : undefined}
      tracking={{
        dedupe: (query.get('dedupe') as 'session' | 'page' | 'none' | null) ?? 'session',
        consent,
        maxValueLength: Number(query.get('maxLen') ?? 100),
      }}
      onError={onError}
    >
      <ul>
        {flags.map((spec) => (
          <Flag key={spec.key} spec={spec} />
        ))}
      </ul>
      <Controls setUser={setUser} consent={consent} setConsent={setConsent} />
      <ol data-testid="errors">
        {errorList.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ol>
    </FlagBridgeProvider>
  )
}

const root = createRoot(document.getElementById('root')!)
root.render(
  query.get('strict') === '1' ? (
    <StrictMode>
      <App />
    </StrictMode>
  ) : (
    <App />
  ),
)
