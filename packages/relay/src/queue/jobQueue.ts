import type { RelayContext } from '../http/webhookHandler'

/**
 * Where a handler puts work it acknowledged but has not done yet. The default is
 * {@link createInProcessQueue}; to survive restarts, enqueue into a durable queue (SQS,
 * Cloudflare Queues, a database table) and call the consumer from its worker.
 *
 * @example
 * const queue: JobQueue<HeapSyncJob> = { enqueue: (job) => sqs.send(JSON.stringify(job)) }
 */
export interface JobQueue<Job> {
  /** Resolves once the job is accepted; rejects (the handler then answers 503) when it cannot be. */
  enqueue(job: Job, context?: RelayContext): Promise<void>
}
