package io.paddock.coordinator.acl;

import org.apache.zookeeper.data.Id;

/**
 * The {@code ip} scheme. Every connection is already authenticated as {@code ip:<client address>};
 * an ACL id is an IPv4 or IPv6 address, optionally with a prefix length ({@code 10.0.0.0/8},
 * {@code 2001:db8::/32}), and matches client addresses in that network.
 *
 * <p>Address syntax follows ZooKeeper 3.9: IPv4 is four dot-separated decimal numbers 0..255;
 * IPv6 is eight groups of one to four hex digits, at most one {@code ::}, with no zone id and no
 * embedded IPv4 part. An IPv4 ACL never matches an IPv6 client and vice versa. (ZooKeeper also
 * accepts a leading sign in an IPv6 group, e.g. {@code 1::-1}; Paddock rejects that.)
 */
public final class IpAuthProvider implements AuthProvider {
    public static final String SCHEME = "ip";

    @Override
    public String scheme() {
        return SCHEME;
    }

    /** As ZooKeeper: {@code addauth ip ...} ignores its data and yields the client's own address. */
    @Override
    public Id authenticate(byte[] authData, String clientAddress) {
        return new Id(SCHEME, clientAddress);
    }

    @Override
    public boolean matches(String idOfAuthInfo, String aclId) {
        String[] parts = aclId.split("/", 2);
        byte[] network = toBytes(parts[0]);
        if (network == null) {
            return false;
        }
        int bits = network.length * 8;
        if (parts.length == 2) {
            bits = prefixLength(parts[1], network.length);
            if (bits < 0) {
                return false;
            }
        }
        byte[] client = toBytes(idOfAuthInfo);
        if (client == null || client.length != network.length) {
            return false;
        }
        int fullBytes = bits / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (client[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest != 0) {
            int mask = (0xff << (8 - rest)) & 0xff;
            return (client[fullBytes] & mask) == (network[fullBytes] & mask);
        }
        return true;
    }

    @Override
    public boolean isValid(String id) {
        String[] parts = id.split("/", 2);
        byte[] address = toBytes(parts[0]);
        return address != null && (parts.length == 1 || prefixLength(parts[1], address.length) >= 0);
    }

    /** Addresses of this scheme are not principals: "auth" in an ACL does not expand to them. */
    @Override
    public boolean isAuthenticated() {
        return false;
    }

    /** The prefix length in 0..8*addressBytes, or -1 if it is not one. */
    private static int prefixLength(String s, int addressBytes) {
        try {
            int bits = Integer.parseInt(s);
            return bits >= 0 && bits <= addressBytes * 8 ? bits : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** 4 bytes for IPv4, 16 for IPv6, null if {@code s} is neither. */
    static byte[] toBytes(String s) {
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].chars().allMatch(c -> (c >= '0' && c <= '9') || c == '+' || c == '-')) {
                return null; // Integer.parseInt would also take non-ASCII digits
            }
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (v < 0 || v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null; // more than one "::" (this also rejects ":::")
        }
        int[] head;
        int[] tail;
        if (gap < 0) {
            head = groups(s);
            if (head == null || head.length != 8) {
                return null;
            }
            tail = new int[0];
        } else {
            head = gap == 0 ? new int[0] : groups(s.substring(0, gap));
            tail = gap + 2 == s.length() ? new int[0] : groups(s.substring(gap + 2));
            if (head == null || tail == null || head.length + tail.length > 7) {
                return null;
            }
        }
        byte[] b = new byte[16];
        for (int i = 0; i < head.length; i++) {
            b[2 * i] = (byte) (head[i] >> 8);
            b[2 * i + 1] = (byte) head[i];
        }
        int start = 8 - tail.length;
        for (int i = 0; i < tail.length; i++) {
            b[2 * (start + i)] = (byte) (tail[i] >> 8);
            b[2 * (start + i) + 1] = (byte) tail[i];
        }
        return b;
    }

    /** ':'-separated groups of 1..4 hex digits, or null. */
    private static int[] groups(String s) {
        String[] parts = s.split(":", -1);
        int[] g = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0 || p.charAt(j) > 'f') {
                    return null;
                }
                v = (v << 4) | d;
            }
            g[i] = v;
        }
        return g;
    }
}
