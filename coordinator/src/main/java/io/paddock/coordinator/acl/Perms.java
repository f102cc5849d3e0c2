package io.paddock.coordinator.acl;

/** ZooKeeper's permission bits, as carried in {@code ACL.perms}. */
public final class Perms {
    public static final int READ = 1;
    public static final int WRITE = 1 << 1;
    public static final int CREATE = 1 << 2;
    public static final int DELETE = 1 << 3;
    public static final int ADMIN = 1 << 4;
    public static final int ALL = READ | WRITE | CREATE | DELETE | ADMIN;

    private Perms() {
    }

    /** The bits as ZooKeeper's tools print them, in the order "cdrwa" (e.g. 31 -> "cdrwa", 1 -> "r"). */
    public static String toString(int perms) {
        StringBuilder sb = new StringBuilder(5);
        if ((perms & CREATE) != 0) {
            sb.append('c');
        }
        if ((perms & DELETE) != 0) {
            sb.append('d');
        }
        if ((perms & READ) != 0) {
            sb.append('r');
        }
        if ((perms & WRITE) != 0) {
            sb.append('w');
        }
        if ((perms & ADMIN) != 0) {
            sb.append('a');
        }
        return sb.toString();
    }

    /**
     * Parses letters from "rwcda" in any order (as zkCli's setAcl does) into bits.
     *
     * @throws IllegalArgumentException on any other character
     */
    public static int parse(String letters) {
        int perms = 0;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            perms |= switch (c) {
                case 'r' -> READ;
                case 'w' -> WRITE;
                case 'c' -> CREATE;
                case 'd' -> DELETE;
                case 'a' -> ADMIN;
                default -> throw new IllegalArgumentException(
                        "Unknown permission '" + c + "' in '" + letters + "': expected letters from rwcda");
            };
        }
        return perms;
    }
}
