/** Where the CLI writes; `isTTY` decides between a redrawn bar and plain lines. */
export interface CliOutput {
  write(text: string): unknown
  isTTY?: boolean
}

/** Reports chunk progress of a sync. */
export interface ProgressReporter {
  update(done: number, total: number): void
  finish(): void
}

const WIDTH = 30

/**
 * A progress bar redrawn in place on a terminal, one plain line per update otherwise
 * (log files and CI keep readable output).
 *
 * @example
 * const progress = createProgressReporter(process.stderr)
 * progress.update(1000, 10000) // [###---------------------------]  10% 1000/10000
 */
export function createProgressReporter(output: CliOutput): ProgressReporter {
  let drawn = false
  return {
    update(done, total) {
      const ratio = total === 0 ? 1 : done / total
      const percent = `${Math.floor(ratio * 100)}%`.padStart(4)
      if (output.isTTY) {
        const filled = Math.round(ratio * WIDTH)
        output.write(`\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent} ${done}/${total}`)
        drawn = true
      } else {
        output.write(`progress ${done}/${total} (${percent.trim()})\n`)
      }
    },
    finish() {
      if (drawn) output.write('\n')
      drawn = false
    },
  }
}
