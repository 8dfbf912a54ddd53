package dev.tracegate.gateway.tenant;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * How long to wait before asking the provisioner again after a failed answer: {@code retry-interval} after the first
 * failure, doubling with each failure in a row up to {@code max-retry-interval}, each wait drawn from the upper half
 * of that span, so that the replicas of a gateway, failed together (a provisioner rollout), do not come back in step.
 * A {@code Retry-After} the provisioner sent is the shortest wait, up to {@code max-retry-interval}.
 * Not thread-safe: the poll loop asks one question at a time.
 */
final class RetryBackoff {

    private final long firstMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int failuresInARow;

    RetryBackoff(Duration first, Duration max, RandomGenerator random) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(firstMillis, max.toMillis());
        this.random = random;
    }

    /** The wait after one more failure; {@code retryAfterMillis} is the provisioner's, or negative without one. */
    long nextWaitMillis(long retryAfterMillis) {
        long span = firstMillis;
        for (int i = 0; i < failuresInARow && span < maxMillis; i++) {
            span = Math.min(maxMillis, span * 2);
        }
        failuresInARow++;
        long drawn = span / 2 + random.nextLong(span - span / 2 + 1);
        return Math.max(drawn, Math.min(retryAfterMillis, maxMillis));
    }

    /** An answer came: the next failure starts over from {@code retry-interval}. */
    void succeeded() {
        failuresInARow = 0;
    }

    /**
     * A {@code Retry-After} value (RFC 9110 §10.2.3: seconds, or an HTTP date) in milliseconds from {@code now}; -1 when
     * there is none or it cannot be read.
     */
    static long retryAfterMillis(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String trimmed = value.trim();
        if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // More digits than a long holds is a wait longer than any cap.
            return trimmed.length() > 12 ? Long.MAX_VALUE : Long.parseLong(trimmed) * 1000;
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, Duration.between(now, at).toMillis());
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
