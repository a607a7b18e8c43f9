// Who the React benchmarks compare, and against what: plain data, shared by the scenarios (which
// run in jsdom or a browser) and the report code (which also runs in Node).

/** Who renders the flags. */
export type Library =
  | 'configcat-react'
  | 'flagbridge+configcat'
  | 'launchdarkly-react'
  | 'flagbridge+launchdarkly'
export const LIBRARIES: readonly Library[] = [
  'configcat-react',
  'flagbridge+configcat',
  'launchdarkly-react',
  'flagbridge+launchdarkly',
]
/** The baseline each library is compared with. */
export const BASELINE: Record<Library, Library> = {
  'configcat-react': 'configcat-react',
  'flagbridge+configcat': 'configcat-react',
  'launchdarkly-react': 'launchdarkly-react',
  'flagbridge+launchdarkly': 'launchdarkly-react',
}
/** What each one renders through. */
export const HOOK: Record<Library, string> = {
  'configcat-react': 'useFeatureFlag',
  'flagbridge+configcat': 'useTrackedFlag (tracking on)',
  'launchdarkly-react': 'useFlags',
  'flagbridge+launchdarkly': 'useTrackedFlag (tracking on)',
}
