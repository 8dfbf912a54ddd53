package dev.tracegate.gateway.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    /** Draws the lowest value asked for, or the highest: the two ends of each pause's span. */
    private static RandomGenerator always(boolean highest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return highest ? bound - 1 : 0;
            }
        };
    }

    @Test
    void pausesDoubleUpToTheLongestAndStartOverAfterAnAnswer() {
        RetryBackoff lowest = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), always(false));
        RetryBackoff highest = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), always(true));
        long[] low = { 2500, 5000, 10000, 20000, 30000, 30000 };
        long[] high = { 5000, 10000, 20000, 40000, 60000, 60000 };
        for (int i = 0; i < low.length; i++) {
            assertEquals(low[i], lowest.nextWaitMillis(-1), "lowest pause after failure " + (i + 1));
            assertEquals(high[i], highest.nextWaitMillis(-1), "highest pause after failure " + (i + 1));
        }
        highest.succeeded();
        assertEquals(5000, highest.nextWaitMillis(-1), "after an answer, the first pause again");
    }

    @Test
    void pausesOfReplicasFailedTogetherSpread() {
        RetryBackoff one = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(1));
        RetryBackoff other = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(2));
        boolean differ = false;
        for (int i = 0; i < 5; i++) {
            long a = one.nextWaitMillis(-1);
            long b = other.nextWaitMillis(-1);
            differ |= a != b;
            assertTrue(a >= 2500 && a <= 60000 && b >= 2500 && b <= 60000, a + ", " + b);
        }
        assertTrue(differ, "two replicas draw different pauses");
    }

    @Test
    void aRetryAfterIsTheShortestPauseUpToTheLongest() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), always(false));
        assertEquals(30000, backoff.nextWaitMillis(30000));
        assertEquals(60000, backoff.nextWaitMillis(3_600_000), "an hour is cut to max-retry-interval");
        assertEquals(10000, backoff.nextWaitMillis(1000), "a shorter Retry-After does not cut the pause");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        assertEquals(120_000, RetryBackoff.retryAfterMillis("120", now));
        assertEquals(0, RetryBackoff.retryAfterMillis("0", now));
        assertEquals(90_000, RetryBackoff.retryAfterMillis("Mon, 30 Nov 2026 12:01:30 GMT", now));
        assertEquals(0, RetryBackoff.retryAfterMillis("Mon, 30 Nov 2026 11:00:00 GMT", now), "a date past is now");
        assertEquals(Long.MAX_VALUE, RetryBackoff.retryAfterMillis("99999999999999999999", now));
        for (String unreadable : new String[] { null, "", " ", "-5", "1.5", "soon", "30s" }) {
            assertEquals(-1, RetryBackoff.retryAfterMillis(unreadable, now), String.valueOf(unreadable));
        }
    }
}
