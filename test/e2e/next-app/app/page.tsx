import { Flags } from './Flags'
import { SessionControls } from './SessionControls'

export default function Home() {
  return (
    <main>
      <h1>Home</h1>
      <Flags />
      <SessionControls />
    </main>
  )
}
