package io.paddock.coordinator.acl;

/** A requested ACL that cannot be stored; the server answers INVALIDACL (-114). */
public final class InvalidAclException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidAclException(String message) {
        super(message);
    }
}
