package io.jmtcp.engine.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, default, meaning and how a text value becomes a checked
 * value. Keys are declared once, in {@link JmtcpConfig}, which is also the reference document.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {

    private final String name;
    private final String defaultText;
    private final String description;
    private final String allowed;
    private final Function<String, T> parser;

    ConfigKey(String name, String defaultText, String allowed, String description, Function<String, T> parser) {
        this.name = Objects.requireNonNull(name);
        this.defaultText = defaultText;
        this.allowed = allowed;
        this.description = description;
        this.parser = parser;
    }

    /** Full key, e.g. {@code jmtcp.device}. */
    public String name() {
        return name;
    }

    /** The default as text ("" = none). */
    public String defaultText() {
        return defaultText;
    }

    /** What values are allowed, for error messages and the reference. */
    public String allowed() {
        return allowed;
    }

    /** What the key means. */
    public String description() {
        return description;
    }

    /**
     * Parses and validates a value.
     *
     * @throws ConfigException naming key, value and what is allowed
     */
    public T parse(String text) {
        try {
            T value = parser.apply(text.trim());
            if (value == null) {
                throw new IllegalArgumentException();
            }
            return value;
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
            throw new ConfigException(name, text, allowed + why);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
