package dev.tracegate.gateway.proxy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code tracegate.upstream.timeout} for the exchanges with Tempo of one event loop: an exchange that goes that long
 * without a byte either way (the client's body going up, Tempo's answer coming back) is reset. Before Tempo's
 * headers that answers 504; after them it cuts the client's connection.
 * <p>
 * Why not Vert.x's own per-request timeout: it stops at Tempo's headers, so a Tempo that stalled in the middle of a
 * trace held the client and a pooled connection for good. Here every deadline is "last byte + timeout", so the
 * exchanges stay in deadline order in a linked list (one that moves goes to the tail), and one periodic sweep per
 * event loop resets those at the head whose time is up: no timer per request, a few field writes per piece of body.
 * <p>
 * Not thread-safe: one instance per event loop, used from that loop only.
 */
final class UpstreamDeadlines {

    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    /** Least recent activity first. */
    private Exchange head;
    private Exchange tail;

    /** @param nanoTime {@code System::nanoTime}, or a test's clock */
    UpstreamDeadlines(Duration timeout, LongSupplier nanoTime) {
        this.timeoutNanos = timeout.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * How often a loop looks for exchanges whose time is up: a tenth of the timeout, between 10 ms and 1 s. An
     * exchange is reset at most that much after its deadline.
     */
    static long sweepPeriodMillis(Duration timeout) {
        return Math.max(10, Math.min(1000, timeout.toMillis() / 10));
    }

    /**
     * Starts the clock of an exchange whose request is on its way to Tempo.
     *
     * @param reset what ends the exchange when its time is up (resets the request to Tempo)
     */
    Exchange start(Runnable reset) {
        Exchange exchange = new Exchange(reset);
        exchange.touch();
        return exchange;
    }

    /** Resets every exchange whose deadline has passed; the loop's periodic timer calls it. */
    void sweep() {
        long now = nanoTime.getAsLong();
        while (head != null && now - head.deadline >= 0) {
            Exchange late = head;
            late.timedOut = true;
            late.finish();
            late.reset.run();
        }
    }

    private void append(Exchange exchange) {
        exchange.previous = tail;
        exchange.next = null;
        if (tail == null) {
            head = exchange;
        } else {
            tail.next = exchange;
        }
        tail = exchange;
    }

    private void unlink(Exchange exchange) {
        if (exchange.previous == null) {
            head = exchange.next;
        } else {
            exchange.previous.next = exchange.next;
        }
        if (exchange.next == null) {
            tail = exchange.previous;
        } else {
            exchange.next.previous = exchange.previous;
        }
        exchange.previous = null;
        exchange.next = null;
    }

    /** One request to Tempo and its answer. */
    final class Exchange {
        private final Runnable reset;
        private long deadline;
        private Exchange previous;
        private Exchange next;
        private boolean finished;
        private boolean timedOut;

        private Exchange(Runnable reset) {
            this.reset = reset;
        }

        /** Bytes moved: the clock starts over. */
        void touch() {
            if (finished) {
                return;
            }
            deadline = nanoTime.getAsLong() + timeoutNanos;
            if (tail == this) {
                return;
            }
            if (linked()) {
                unlink(this);
            }
            append(this);
        }

        /**
         * The gateway itself holds Tempo's answer back (the client reads slowly): no deadline until {@link #touch()}.
         * A slow reader is the client's matter, bounded by the server's idle timeout, not Tempo's.
         */
        void hold() {
            if (linked()) {
                unlink(this);
            }
        }

        /** The exchange is over (ended, failed or reset): its clock stops. */
        void finish() {
            finished = true;
            hold();
        }

        /** In the list, so under a deadline: unlink clears both links, and only the head has no previous. */
        private boolean linked() {
            return previous != null || head == this;
        }

        /** True when this exchange was reset because its time was up. */
        boolean timedOut() {
            return timedOut;
        }
    }
}
