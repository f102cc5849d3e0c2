package io.paddock.coordinator.acl;

/** An {@code addauth} that cannot be accepted; the server answers AUTHFAILED (-115). */
public final class AuthFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthFailedException(String message) {
        super(message);
    }
}
