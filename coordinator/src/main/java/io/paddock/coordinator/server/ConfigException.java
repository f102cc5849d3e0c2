package io.paddock.coordinator.server;

/**
 * A configuration value that cannot be used. Start-up stops with this message, which names the
 * key, the offending value and what was expected (design rule 6), for example
 * {@code Invalid value 'abc' for tickTime: expected a positive integer (milliseconds)}.
 *
 * <p>Unchecked so that {@link ServerConfigBuilder#build()} can be used directly in tests; the
 * launcher catches it, prints {@link #getMessage()} and exits.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;

    /**
     * @param key the configuration key at fault (may be null for file-level problems)
     * @param value the offending value as written (null when the key is missing)
     * @param message the complete message, naming key, value and expectation
     */
    public ConfigException(String key, String value, String message) {
        super(message);
        this.key = key;
        this.value = value;
    }

    public ConfigException(String key, String value, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.value = value;
    }

    /** {@code Invalid value '<value>' for <key>: expected <expected>}. */
    static ConfigException invalid(String key, String value, String expected) {
        return new ConfigException(key, value,
                "Invalid value '" + value + "' for " + key + ": expected " + expected);
    }

    /** The key at fault, or null for a problem with the file as a whole. */
    public String key() {
        return key;
    }

    /** The offending value as written, or null when the key was missing. */
    public String value() {
        return value;
    }
}
