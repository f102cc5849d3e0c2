package io.paddock.hdfs;

/** A configuration or environment problem that stops the controller before it joins an election. */
public final class ControllerStartException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    ControllerStartException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
