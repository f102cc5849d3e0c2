package io.paddock.hdfs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A bare TCP connect to a NameNode's RPC port. A refusal is proof that no process listens there (the
 * kernel answered for a dead one); a timeout or an unreachable host proves nothing, since a host
 * that is hung or cut off looks the same as one that is slow.
 */
final class PortProbe {
    enum Result { ACCEPTS, REFUSED, NO_ANSWER }

    private PortProbe() {
    }

    static Result probe(InetSocketAddress address, int timeoutMs) {
        if (address.isUnresolved()) {
            return Result.NO_ANSWER;
        }
        try (Socket s = new Socket()) {
            s.connect(address, Math.max(1, timeoutMs));
            return Result.ACCEPTS;
        } catch (ConnectException refused) {
            // the JDK also reports an unreachable network this way; only a refusal means nobody listens
            return refused.getMessage() != null && refused.getMessage().contains("refused")
                    ? Result.REFUSED : Result.NO_ANSWER;
        } catch (IOException other) {
            return Result.NO_ANSWER;
        }
    }
}
