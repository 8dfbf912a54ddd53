package dev.tracegate.gateway.metrics;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's own meters, on {@code /q/metrics}. Tags stay low-cardinality: tenants are known names (anything
 * else is {@code unknown}) and paths are grouped by Tempo endpoint.
 */
@ApplicationScoped
public class GatewayMetrics {

    public static final String UNKNOWN_TENANT = "unknown";
    /** The code of a request whose client left before its answer ended: nginx's "client closed request". */
    public static final int CLIENT_CLOSED = 499;
    /** Set when the gateway itself cut an answer whose head was out. */
    private static final String CUT = GatewayMetrics.class.getName() + ".cut";
    /** Set when an answer counts under another status than its own (a gRPC refusal goes out as HTTP 200). */
    private static final String COUNT_AS = GatewayMetrics.class.getName() + ".countAs";
    private static final java.util.Set<String> KNOWN_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT",
            "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private final MeterRegistry registry;
    /** Every request records into one of these: looked up here instead of built anew on the hot path. */
    private final ConcurrentHashMap<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Queue<Gauge> gauges = new ConcurrentLinkedQueue<>();

    private record RequestKey(String tenant, String group, String method, int status) {
    }

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Counts the request when its answer ends (or its connection closes first), timed from now, with the status
     * it was answered with ({@link #answeredStatus}): how the routes that serve a request count it.
     */
    public void requestWhenEnded(RoutingContext rc, String tenant, String group) {
        long started = System.nanoTime();
        rc.addEndHandler(v -> request(tenant, group, rc.request().method().name(), answeredStatus(rc),
                Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * The status a request counts under: {@link #CLIENT_CLOSED} when its client left before the answer ended (not
     * the 200 a response starts with); for a gRPC refusal of the gateway's, which goes out as HTTP 200, the HTTP
     * status it stands for. An answer the gateway cut (Tempo broke off) keeps the status that went out with its head.
     */
    static int answeredStatus(RoutingContext rc) {
        Integer countAs = rc.get(COUNT_AS);
        if (countAs != null) {
            return countAs;
        }
        if (!rc.response().ended() && rc.get(CUT) == null) {
            return CLIENT_CLOSED;
        }
        return rc.response().getStatusCode();
    }

    /** The request counts under this status, not its answer's own (a gRPC refusal, whose HTTP status is 200). */
    public static void countAs(RoutingContext rc, int status) {
        rc.put(COUNT_AS, status);
    }

    /** The gateway cut the answer: it counts under the status its head went out with, not as closed by its client. */
    public static void countAsCut(RoutingContext rc) {
        rc.put(CUT, Boolean.TRUE);
    }

    /** One answered request: latency histogram by tenant, endpoint group, method and status. */
    public void request(String tenant, String group, String method, int status, Duration took) {
        // A client may send any method name: keep the tag to the ones HTTP defines.
        String methodTag = KNOWN_METHODS.contains(method) ? method : "OTHER";
        requestTimers.computeIfAbsent(new RequestKey(tenant, group, methodTag, status), key -> Timer
                .builder("tracegate_gateway_requests")
                .description("Requests answered by the gateway")
                .tags("tenant", key.tenant(), "route", key.group(), "method", key.method(),
                        "code", Integer.toString(key.status()))
                .publishPercentileHistogram()
                .register(registry))
                .record(took);
    }

    /**
     * A request refused by authentication or authorization.
     *
     * @param reason {@code missing_token}, {@code invalid_token}, {@code issuer_unavailable}, {@code forbidden} or
     *        {@code cross_origin}
     */
    public void authFailure(String tenant, String reason) {
        Counter.builder("tracegate_gateway_auth_failures")
                .description("Requests refused by authentication or authorization")
                .tags("tenant", tenant, "reason", reason)
                .register(registry)
                .increment();
    }

    /** A request refused because its tenant went over tracegate.limits.requests-per-second. */
    public void rateLimited(String tenant) {
        Counter.builder("tracegate_gateway_rate_limited")
                .description("Requests refused with 429 by the per-tenant rate limit")
                .tags("tenant", tenant)
                .register(registry)
                .increment();
    }

    /** A request refused because its tenant already had tracegate.limits.concurrent-requests in flight. */
    public void concurrencyLimited(String tenant) {
        Counter.builder("tracegate_gateway_concurrency_limited")
                .description("Requests refused with 429 by the per-tenant limit of requests in flight")
                .tags("tenant", tenant)
                .register(registry)
                .increment();
    }

    /** The tenant's requests in flight through this replica, as the concurrency limit counts them in {@code count}. */
    public void requestsInFlight(String tenant, AtomicInteger count) {
        gauges.add(Gauge.builder("tracegate_gateway_requests_in_flight", count, AtomicInteger::get)
                .description("Requests of the tenant in flight through this replica, from authorization to the end of"
                        + " the answer (counted when tracegate.limits.concurrent-requests is set)")
                .tags("tenant", tenant)
                .register(registry));
    }

    /**
     * Meters outlive an application in its JVM (dev mode's live reload, tests that start several): a gauge left
     * behind would read a count that no longer moves, and the next application's gauge of the same name would be
     * ignored.
     */
    @PreDestroy
    void removeGauges() {
        gauges.forEach(registry::remove);
    }

    /**
     * A request Tempo did not answer properly.
     *
     * @param kind {@code refused}, {@code timeout} or {@code broken} (connection lost mid-way)
     */
    public void upstreamError(String upstream, String kind) {
        Counter.builder("tracegate_gateway_upstream_errors")
                .description("Requests that Tempo did not answer properly")
                .tags("upstream", upstream, "kind", kind)
                .register(registry)
                .increment();
    }
}
