import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { createRoot } from 'react-dom/client'
import { Devtools } from './Devtools'

createRoot(document.getElementById('root')!).render(
  <TestFlagBridgeProvider flags={{ beta: true }}>
    <p id="app">app</p>
    <Devtools />
  </TestFlagBridgeProvider>,
)
