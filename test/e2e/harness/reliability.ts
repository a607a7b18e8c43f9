import { writeFileSync } from 'node:fs'

type Destination = 'segment' | 'heap'

interface Row {
  scenario: string
  passed: boolean
  requests: number
  expected: Record<Destination, number>
  delivered: Record<Destination, number>
  lost: Record<Destination, number>
  duplicates: Record<Destination, number>
}

/**
 * Reliability figures for the whole e2e run: per scenario, the exposures each destination
 * was expected to receive against what the stand-ins recorded.
 */
export function createReliabilityReport() {
  const rows: Row[] = []
  let current: Row | undefined
  const startedAt = Date.now()

  return {
    start(scenario: string) {
      current = {
        scenario,
        passed: false,
        requests: 0,
        expected: { segment: 0, heap: 0 },
        delivered: { segment: 0, heap: 0 },
        lost: { segment: 0, heap: 0 },
        duplicates: { segment: 0, heap: 0 },
      }
      rows.push(current)
    },
    /**
     * `expected` and `delivered` are exposure ids (identity|provider|flag|variation);
     * `duplicates` counts deliveries of something already delivered.
     */
    account(destination: Destination, expected: string[], delivered: string[], duplicates: number) {
      if (!current) return
      const got = new Set(delivered)
      current.expected[destination] += expected.length
      current.delivered[destination] += delivered.length
      current.lost[destination] += expected.filter((id) => !got.has(id)).length
      current.duplicates[destination] += duplicates
    },
    requests(count: number) {
      if (current) current.requests += count
    },
    pass() {
      if (current) current.passed = true
    },
    table(): string {
      const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0)
      const header =
        '| scenario | result | requests | Segment expected / delivered | Segment lost | Segment dup | Heap expected / delivered | Heap lost | Heap dup |'
      const lines = [header, '|---|---|---:|---:|---:|---:|---:|---:|---:|']
      for (const row of rows) {
        lines.push(
          `| ${row.scenario} | ${row.passed ? 'pass' : 'FAIL'} | ${row.requests} | ${row.expected.segment} / ${row.delivered.segment} | ${row.lost.segment} | ${row.duplicates.segment} | ${row.expected.heap} / ${row.delivered.heap} | ${row.lost.heap} | ${row.duplicates.heap} |`,
        )
      }
      lines.push(
        `| **total** | **${rows.filter((row) => row.passed).length}/${rows.length} passed** | ${sum((r) => r.requests)} | ${sum((r) => r.expected.segment)} / ${sum((r) => r.delivered.segment)} | ${sum((r) => r.lost.segment)} | ${sum((r) => r.duplicates.segment)} | ${sum((r) => r.expected.heap)} / ${sum((r) => r.delivered.heap)} | ${sum((r) => r.lost.heap)} | ${sum((r) => r.duplicates.heap)} |`,
      )
      return lines.join('\n')
    },
    elapsedSeconds: () => (Date.now() - startedAt) / 1000,
    /** Writes the table to a file (for TESTING.md) when FLAGBRIDGE_E2E_REPORT names one. */
    write(path: string | undefined) {
      if (!path) return
      writeFileSync(path, `${this.table()}\n`)
    },
  }
}
