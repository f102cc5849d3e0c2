package io.paddock.coordinator.net;

import io.paddock.coordinator.watch.WatchSink;
import io.paddock.coordinator.wire.MultiCodec;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * What the request path can do with a client connection. Implemented by the network layer (and by
 * the simulator's clients); every method is safe to call from the request thread and never blocks.
 */
public interface ClientConnection extends WatchSink {
    void sendConnectResponse(ConnectResponse response, boolean closeAfter);

    void sendReply(ReplyHeader header, Record body);

    void sendMultiReply(ReplyHeader header, List<MultiCodec.Result> results);

    /** Sends what is queued, then closes; the reason is logged. */
    void close(String reason);

    /** The client's IP address as text, for ip ACLs and connection limits. */
    String remoteIp();

    /** host:port of the client, for cons and logs. */
    String remoteAddress();

    /** Stops or resumes reading from the socket (global outstanding-request throttle). */
    void setReading(boolean reading);
}
