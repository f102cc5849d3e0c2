package io.paddock.coordinator.net;

import io.paddock.coordinator.wire.ClientRequest;
import org.apache.zookeeper.proto.ConnectRequest;

/**
 * Where a client connection delivers what it decoded, in order per connection. Called on network
 * threads; the implementation hands each call to the request thread and never blocks the caller.
 */
public interface ClientRequestSink {
    void opened(ClientConnection connection);

    /** The connect request (the first frame). */
    void connect(ClientConnection connection, ConnectRequest request);

    void request(ClientConnection connection, ClientRequest request);

    /** A four-letter word arrived instead of a connect request (counted for cons/stat). */
    void fourLetterWord(ClientConnection connection);

    void closed(ClientConnection connection);
}
