import { existsSync } from 'node:fs'

/** Debian's Chromium (`apt-get install -y chromium`); never a browser a tool downloads. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Headless flags for this machine's closed network (VENDOR-NOTES.md, "Headless Chromium here"). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** playwright-core launch options for every browser suite; throws a clear error when Chromium is missing. */
export function chromiumLaunchOptions() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    )
  }
  return { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }
}
