package io.jmtcp.cli;

import io.jmtcp.engine.config.JmtcpConfig;
import picocli.CommandLine;

/**
 * Converts {@code 100ms}, {@code 10s}, {@code 2m} to nanoseconds with the same syntax as the
 * configuration's durations; a bad value is a usage error (exit code 2).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return JmtcpConfig.parseDuration(value.trim());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 100ms, 10s, 2m");
        }
    }
}
