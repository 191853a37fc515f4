/**
 * What the database layer reports about its transactions (metrics listen; the database does not
 * know who). Called after each transaction ends, and each time PostgreSQL one is run again.
 */
export interface TransactionObserver {
  transactionEnded(seconds: number, committed: boolean): void;
  transactionRetried(): void;
}

export const NO_OBSERVER: TransactionObserver = {
  transactionEnded: () => undefined,
  transactionRetried: () => undefined,
};

/** Injection token of the TransactionObserver (the metrics), when the app has one. */
export const TRANSACTION_OBSERVER = Symbol('TRANSACTION_OBSERVER');
