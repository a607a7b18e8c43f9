/**
 * Waits until `condition()` holds, checking every 10 ms, at most 500 times: a bounded loop for
 * work that finishes after an answer (a queue, a process), never a timed assertion.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`Gave up waiting for ${what}.`)
}
