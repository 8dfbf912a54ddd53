package dev.tracegate.provisioner.api;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;

/**
 * ?wait= of a long poll: a duration such as 1500ms, 30s, 1m or PT30S (plain numbers are seconds), capped. Gateways
 * send whole milliseconds ({@code 1500ms}); older ones sent whole seconds ({@code 30s}): both stay readable, so that
 * either side can be upgraded first.
 */
final class WaitParameter {
    private WaitParameter() {
    }

    /** The wait to apply; {@code Duration.ZERO} when absent; an IllegalArgumentException when unreadable or negative. */
    static Duration parse(String value, Duration max) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        Duration wait;
        try {
            wait = DurationConverter.parseDuration(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("wait must be a duration such as 30s, not " + abbreviate(value));
        }
        if (wait == null || wait.isNegative()) {
            throw new IllegalArgumentException("wait must be a positive duration such as 30s");
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static String abbreviate(String value) {
        return value.length() > 20 ? value.substring(0, 20) + "..." : value;
    }
}
