import { Flags } from '../Flags'
import { SessionControls } from '../SessionControls'

export default function Second() {
  return (
    <main>
      <h1>Second</h1>
      <Flags />
      <SessionControls />
    </main>
  )
}
