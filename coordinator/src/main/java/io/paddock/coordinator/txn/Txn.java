package io.paddock.coordinator.txn;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * A state change of the data tree, decided once by the leader and applied identically by every
 * server (and by recovery replay) through {@code DataTree.apply}. Everything the tree needs is in the
 * txn: names are resolved, versions and sequence numbers computed, so apply never has to decide.
 */
public sealed interface Txn {

    /** A znode creation; {@code parentCversion} is the parent's cversion after this create. */
    record Create(String path, byte[] data, List<ACL> acl, long ephemeralOwner, int parentCversion) implements Txn {}

    record Delete(String path) implements Txn {}

    /** Deletes a container or expired TTL node if it is still childless when applied. */
    record DeleteContainer(String path) implements Txn {}

    record SetData(String path, byte[] data, int newVersion) implements Txn {}

    record SetAcl(String path, List<ACL> acl, int newAversion) implements Txn {}

    /** A version check inside a multi; applying it changes nothing. */
    record Check(String path, int version) implements Txn {}

    /**
     * Opens a session. The password is chosen by the preparing server and replicated, so any server
     * can later check a client re-attaching with (sessionId, password) without a shared secret.
     */
    record CreateSession(long sessionId, int timeoutMs, byte[] password) implements Txn {}

    /** Ends a session; the tree deletes all of its ephemerals in this one txn. */
    record CloseSession(long sessionId) implements Txn {}

    /** A rejected write. It still consumes a zxid, as in ZooKeeper, so the log has no gaps. */
    record Error(int code) implements Txn {}

    /** All-or-nothing list. A failed multi is a Multi of Error txns, one per op. */
    record Multi(List<Txn> ops) implements Txn {}
}
