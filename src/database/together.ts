/**
 * Runs independent statements of one transaction at the same time (the connection takes them in
 * turn, without a round trip through the event loop between them) and waits for every one to
 * finish before reporting the first failure: a statement still running when the transaction
 * rolls back would otherwise run after the rollback, outside any transaction.
 */
export async function together<T extends readonly unknown[]>(work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
