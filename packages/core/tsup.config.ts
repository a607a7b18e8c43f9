import { defineConfig } from 'tsup'

export default defineConfig({
  // `engine` serves flags; `tracking` is the exposure pipeline a page may load later; the main
  // entry has both. Split, so each module exists once whichever entries an app imports.
  entry: ['src/index.ts', 'src/engine.ts', 'src/tracking.ts', 'src/server.ts'],
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
})
