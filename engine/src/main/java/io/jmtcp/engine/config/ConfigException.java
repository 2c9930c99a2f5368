package io.jmtcp.engine.config;

/**
 * A configuration value that cannot be used. The message names the key, the value given and
 * what is allowed, so the user can fix it without reading code.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String value, String allowed) {
        super(key + "=" + value + " is not valid; allowed: " + allowed);
        this.key = key;
    }

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The offending key. */
    public String key() {
        return key;
    }
}
