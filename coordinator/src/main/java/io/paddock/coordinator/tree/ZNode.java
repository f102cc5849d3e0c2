package io.paddock.coordinator.tree;

import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * One znode. Everything but the child-name set is immutable: a change replaces the ZNode object and
 * hands the same child set to the replacement. A snapshot can therefore copy the path-to-node map in
 * one step and serialize the nodes on another thread while writes continue; it never reads children
 * (they are rebuilt from the paths on load).
 */
public final class ZNode {
    final byte[] data;
    final List<ACL> acl;
    final long czxid;
    final long mzxid;
    final long pzxid;
    final long ctime;
    final long mtime;
    final int version;
    final int cversion;
    final int aversion;
    final long ephemeralOwner;
    final Set<String> children;

    ZNode(byte[] data, List<ACL> acl, long czxid, long mzxid, long pzxid, long ctime, long mtime,
          int version, int cversion, int aversion, long ephemeralOwner, Set<String> children) {
        this.data = data;
        this.acl = acl;
        this.czxid = czxid;
        this.mzxid = mzxid;
        this.pzxid = pzxid;
        this.ctime = ctime;
        this.mtime = mtime;
        this.version = version;
        this.cversion = cversion;
        this.aversion = aversion;
        this.ephemeralOwner = ephemeralOwner;
        this.children = children;
    }

    public byte[] data() {
        return data;
    }

    public List<ACL> acl() {
        return acl;
    }

    public long czxid() {
        return czxid;
    }

    public long mzxid() {
        return mzxid;
    }

    public long pzxid() {
        return pzxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int version() {
        return version;
    }

    /** The stored counter: child creations ever (what sequential names count). */
    public int cversion() {
        return cversion;
    }

    /**
     * The cversion clients see. ZooKeeper persists only child creations and reports
     * {@code 2 * creations - numChildren}, i.e. creations plus deletions (a fresh root shows -1).
     */
    public int clientCversion() {
        return cversion * 2 - children.size();
    }

    /** ZooKeeper reports 0 for container and TTL owners; only session owners are visible. */
    public long clientEphemeralOwner() {
        return io.paddock.coordinator.wire.CreateModes.isSessionOwner(ephemeralOwner) ? ephemeralOwner : 0;
    }

    public int aversion() {
        return aversion;
    }

    public long ephemeralOwner() {
        return ephemeralOwner;
    }

    public int numChildren() {
        return children.size();
    }

    /** The live child-name set; callers on the apply thread only, never modify. */
    public Set<String> childNames() {
        return children;
    }

    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    public Stat stat() {
        return new Stat(czxid, mzxid, ctime, mtime, version, clientCversion(), aversion, clientEphemeralOwner(),
                dataLength(), children.size(), pzxid);
    }

    ZNode withData(byte[] newData, int newVersion, long zxid, long time) {
        return new ZNode(newData, acl, czxid, zxid, pzxid, ctime, time, newVersion, cversion, aversion,
                ephemeralOwner, children);
    }

    ZNode withAcl(List<ACL> newAcl, int newAversion) {
        return new ZNode(data, newAcl, czxid, mzxid, pzxid, ctime, mtime, version, cversion, newAversion,
                ephemeralOwner, children);
    }

    ZNode withChildChange(int newCversion, long newPzxid) {
        return new ZNode(data, acl, czxid, mzxid, newPzxid, ctime, mtime, version, newCversion, aversion,
                ephemeralOwner, children);
    }
}
