import { cookies } from 'next/headers'
import type { ReactNode } from 'react'
import { flagBootstrap } from '../lib/flags'
import { SESSION_COOKIE, toFlagBridgeUser } from '../lib/users'
import { Providers } from './providers'

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = toFlagBridgeUser((await cookies()).get(SESSION_COOKIE)?.value)
  const bootstrap = await flagBootstrap(user)
  const vendors = process.env.VENDOR_ORIGIN ?? ''
  return (
    <html lang="en">
      <head>
        {/* The suite's stand-in for Heap's snippet (it reads its environment id from ?heap=). */}
        <script src="/heap-snippet.js" />
      </head>
      <body>
        <Providers
          user={user}
          bootstrap={bootstrap}
          vendors={vendors}
          configCatSdkKey={process.env.CONFIGCAT_SDK_KEY ?? ''}
          launchDarklyClientSideID={process.env.LAUNCHDARKLY_CLIENT_SIDE_ID ?? ''}
          segmentWriteKey={process.env.SEGMENT_WRITE_KEY ?? ''}
        >
          {children}
        </Providers>
      </body>
    </html>
  )
}
