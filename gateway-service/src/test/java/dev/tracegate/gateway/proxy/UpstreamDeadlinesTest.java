package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The upstream timeout counts from each exchange's last byte, whatever order exchanges move and end in. */
class UpstreamDeadlinesTest {

    private long now = 1_000_000_000L;
    private final List<String> reset = new ArrayList<>();
    private final UpstreamDeadlines deadlines = new UpstreamDeadlines(Duration.ofSeconds(10), () -> now);

    private UpstreamDeadlines.Exchange start(String name) {
        return deadlines.start(() -> reset.add(name));
    }

    private void after(Duration elapsed) {
        now += elapsed.toNanos();
        deadlines.sweep();
    }

    @Test
    void anExchangeWithoutABytePastTheTimeoutIsResetOnceAndSaysSo() {
        UpstreamDeadlines.Exchange quiet = start("quiet");
        after(Duration.ofMillis(9_999));
        assertEquals(List.of(), reset);
        after(Duration.ofMillis(1));
        assertEquals(List.of("quiet"), reset);
        assertTrue(quiet.timedOut());
        after(Duration.ofSeconds(30));
        assertEquals(List.of("quiet"), reset, "reset once");
    }

    @Test
    void everyByteStartsTheClockOverWhateverTheOrderOfTheExchanges() {
        UpstreamDeadlines.Exchange a = start("a");
        after(Duration.ofSeconds(4));
        UpstreamDeadlines.Exchange b = start("b");
        after(Duration.ofSeconds(4));
        a.touch(); // now a's deadline is after b's
        after(Duration.ofSeconds(3)); // b: 7 s, a: 3 s
        assertEquals(List.of(), reset);
        after(Duration.ofSeconds(3)); // b: 10 s
        assertEquals(List.of("b"), reset);
        assertFalse(a.timedOut());
        after(Duration.ofSeconds(4)); // a: 10 s
        assertEquals(List.of("b", "a"), reset);
    }

    @Test
    void finishedExchangesAreNeverReset() {
        UpstreamDeadlines.Exchange first = start("first");
        UpstreamDeadlines.Exchange middle = start("middle");
        UpstreamDeadlines.Exchange last = start("last");
        middle.finish();
        first.finish();
        last.touch(); // a touch after others ended
        middle.touch(); // a late byte after the end changes nothing
        after(Duration.ofSeconds(11));
        assertEquals(List.of("last"), reset);
        assertFalse(middle.timedOut());
    }

    /** While the gateway holds Tempo's answer back for a slow client, Tempo is not the one keeping it waiting. */
    @Test
    void aHeldExchangeHasNoDeadlineUntilItMovesAgain() {
        UpstreamDeadlines.Exchange held = start("held");
        held.hold();
        after(Duration.ofMinutes(5));
        assertEquals(List.of(), reset);
        held.touch();
        after(Duration.ofSeconds(10));
        assertEquals(List.of("held"), reset);
    }

    @Test
    void theSweepPeriodIsATenthOfTheTimeoutWithinBounds() {
        assertEquals(1000, UpstreamDeadlines.sweepPeriodMillis(Duration.ofSeconds(60)));
        assertEquals(100, UpstreamDeadlines.sweepPeriodMillis(Duration.ofSeconds(1)));
        assertEquals(10, UpstreamDeadlines.sweepPeriodMillis(Duration.ofMillis(20)));
    }
}
