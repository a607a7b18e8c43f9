// The smoke test replaces this file with the README's quick start, as a new user pastes it.
export default function App() {
  return <h1>Vite + React</h1>
}
