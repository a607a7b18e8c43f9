// `@flagbridge/relay/cli`: the CSV → LaunchDarkly sync as functions. Node only (fs, path);
// kept out of the main entry so the handlers bundle for edge runtimes.
export { DEFAULT_ID_COLUMNS, readMemberCsv } from './readMemberCsv'
export { CLI_HELP, type CliIo, runCli } from './runCli'
export { lockStateFile, type StateLock } from './stateLock'
export {
  appendSyncJournal,
  journalPath,
  readSyncState,
  type SyncState,
  type SyncTarget,
  writeSyncState,
} from './syncState'
