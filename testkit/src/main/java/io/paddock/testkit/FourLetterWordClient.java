package io.paddock.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a four-letter word to {@code host:port} and returns the whole answer (the server then closes). */
public final class FourLetterWordClient {
    private static final int READ_TIMEOUT_MS = 10_000;

    private FourLetterWordClient() {
    }

    public static String send(String hostPort, String word) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** The value of {@code key} in mntr output ({@code key<TAB>value} lines), or null. */
    public static String mntrValue(String mntr, String key) {
        for (String line : mntr.split("\n")) {
            if (line.startsWith(key + "\t")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }
}
