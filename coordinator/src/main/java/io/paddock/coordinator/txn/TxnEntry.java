package io.paddock.coordinator.txn;

/**
 * One replicated log entry: the txn plus who asked for it and the leader's clock at preparation.
 * The zxid is the entry's position in the log and travels beside it.
 */
public record TxnEntry(long sessionId, int cxid, long timeMs, Txn txn) {}
