package io.paddock.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback ports for servers whose configuration must name every member's ports up front.
 * All probe sockets stay bound until every port is chosen, so one call never returns a port twice
 * (probing one at a time could hand out a just-released port again).
 */
public final class FreePorts {
    private FreePorts() {
    }

    public static int[] distinct(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    public static int one() throws IOException {
        return distinct(1)[0];
    }
}
