package dev.tracegate.gateway.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.netty.channel.ConnectTimeoutException;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.config.FileChecks;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.HttpUrlSetting;
import dev.tracegate.gateway.http.BodyLimit;
import dev.tracegate.gateway.http.ContinueExpectation;
import dev.tracegate.gateway.http.ErrorResponses;
import dev.tracegate.gateway.metrics.GatewayMetrics;
import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * Streams an authorized request to Tempo and Tempo's answer back, chunk by chunk with back-pressure both ways:
 * memory does not grow with the size of a trace or a batch of spans.
 * <p>
 * Upstream gets {@code X-Scope-OrgID} = the tenant's id, and never the client's own {@code X-Scope-OrgID},
 * {@code Authorization} or cookies.
 * <p>
 * Created at start-up, so that a bad {@code tracegate.upstream.*} URL stops the gateway there rather than failing
 * every request.
 */
@ApplicationScoped
@Startup
public class UpstreamProxy {

    /**
     * Headers that belong to one connection (RFC 9110 §7.6.1) or to the client's session with the gateway: among
     * them the user's ID token and Grafana's signed identity, which Grafana's data proxy adds beside the forwarded
     * access token (Forward OAuth Identity) and which Tempo has no use for.
     */
    private static final Predicate<String> NOT_FORWARDED = ignoringCase("connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "trailers",
            "transfer-encoding", "upgrade", "host", "authorization", "cookie", "x-id-token", "x-grafana-id",
            "x-scope-orgid", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "expect",
            "content-length");
    /**
     * Tempo's headers for its hop only, and cookies: Tempo sets none, and one set at the gateway's origin could
     * overwrite the tenants' session cookies there.
     */
    private static final Predicate<String> NOT_RETURNED = ignoringCase("connection", "keep-alive",
            "proxy-authenticate", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "set-cookie");
    static final String ORG_ID = "X-Scope-OrgID";
    /**
     * Set on every answer of Tempo's the gateway passes on, whatever Tempo set: a browser led to an API URL on the
     * gateway's origin (where the tenants' session cookies live) shows the answer as data and never runs it as a page,
     * even where Tempo echoes a query in an error or labels a body by sniffing it. Clients of the API read the body
     * and ignore both. Lowercase: HTTP/2 (gRPC) header names must be.
     */
    private static final CharSequence NO_SNIFF_NAME = HttpHeaders.createOptimized("x-content-type-options");
    private static final CharSequence NO_SNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence POLICY_NAME = HttpHeaders.createOptimized("content-security-policy");
    private static final CharSequence NOTHING_RUNS = HttpHeaders.createOptimized(
            "default-src 'none'; frame-ancestors 'none'; sandbox");

    private final GatewayConfig config;
    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final TenantRegistry registry;
    private final int maxChunkSize;
    /** tracegate.limits.max-body-size, read once: a MemorySize converts its BigInteger on every call. */
    private final long maxBodySize;
    private final Map<Upstream, URI> bases = new EnumMap<>(Upstream.class);
    /** tracegate.upstream.ca-file's CAs, or the JVM's; the file checked every tracegate.tenants.file-check-interval. */
    private final UpstreamTrust upstreamTrust;
    /** One HTTP/1.1 and one HTTP/2 client per event loop: a connection stays on the loop of the requests it serves. */
    private final ThreadLocal<HttpClient> http1Clients = new ThreadLocal<>();
    private final ThreadLocal<HttpClient> http2Clients = new ThreadLocal<>();
    /** The upstream timeout of each event loop's exchanges, swept by a periodic timer on that loop. */
    private final ThreadLocal<UpstreamDeadlines> deadlines = new ThreadLocal<>();

    /**
     * @param maxChunkSize the largest piece of a request body the server hands over: Tempo's answers come in pieces
     *                     of the same size, so one setting sizes the copies and writes of both directions
     */
    public UpstreamProxy(GatewayConfig config, Vertx vertx, GatewayMetrics metrics, TenantRegistry registry,
            FileChecks fileChecks, @ConfigProperty(name = "quarkus.http.limits.max-chunk-size") MemorySize maxChunkSize) {
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        this.registry = registry;
        this.maxChunkSize = (int) Math.min(Integer.MAX_VALUE, maxChunkSize.asLongValue());
        this.maxBodySize = config.limits().maxBodySize().asLongValue();
        bases.put(Upstream.QUERY_FRONTEND,
                HttpUrlSetting.validated("tracegate.upstream.query-frontend", config.upstream().queryFrontend()));
        bases.put(Upstream.DISTRIBUTOR,
                HttpUrlSetting.validated("tracegate.upstream.distributor", config.upstream().distributor()));
        bases.put(Upstream.DISTRIBUTOR_GRPC, HttpUrlSetting.validatedAddress("tracegate.upstream.distributor-grpc",
                config.upstream().distributorGrpc()));
        this.upstreamTrust = new UpstreamTrust(config.upstream().caFile());
        if (upstreamTrust.watched()) {
            fileChecks.follow("tracegate.upstream.ca-file", upstreamTrust::checkForRenewal);
        }
    }

    /** Forwards the (paused) request; answers the client in every case, with 413, 502 or 504 on failure. */
    public void forward(RoutingContext rc, Tenant tenant, ProxyRoute route) {
        HttpServerRequest request = rc.request();
        URI base = base(route.upstream());
        String query = request.query();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyRequestHeaders(request, headers);
        headers.set(ORG_ID, tenant.id());
        addForwardedHeaders(request, headers);
        if (route.upstream() == Upstream.DISTRIBUTOR_GRPC) {
            headers.set("te", "trailers"); // gRPC's one end-to-end use of a hop-by-hop header
        }
        RequestOptions options = new RequestOptions()
                .setHeaders(headers)
                .setMethod(request.method())
                // The base is parsed once (configuration or tenants document): no absolute URI parsed per request.
                .setSsl("https".equalsIgnoreCase(base.getScheme()))
                .setHost(base.getHost())
                .setPort(port(base))
                .setURI(base.getRawPath() + route.upstreamPath() + (query == null ? "" : "?" + query))
                .setConnectTimeout(config.upstream().connectTimeout().toMillis());

        if (rc.response().closed()) {
            return; // the client left while it was being authenticated: its close and exception events are past
        }
        // Set before the wait for a pooled connection, so that a client leaving during that wait is seen.
        HttpClientRequest[] started = new HttpClientRequest[1];
        rc.response().closeHandler(v -> {
            if (started[0] != null) {
                started[0].reset();
            }
        });
        client(route.upstream()).request(options).onComplete(ar -> {
            if (ar.failed()) {
                upstreamFailed(rc, route, ar.cause(), true);
                return;
            }
            HttpClientRequest upstream = ar.result();
            // A failure reaches upstream.response() too, handled there; without this Vert.x would also log each of
            // our own resets (client gone, body refused) at ERROR.
            upstream.exceptionHandler(failure -> {
            });
            if (rc.response().closed()) {
                // Nobody to answer: give the connection back rather than send Tempo half a request it waits out.
                upstream.reset();
                return;
            }
            started[0] = upstream;
            UpstreamDeadlines.Exchange exchange = deadlines().start(upstream::reset);
            upstream.response().onComplete(res -> {
                if (res.succeeded()) {
                    streamResponse(rc, route, res.result(), exchange);
                } else {
                    exchange.finish();
                    upstreamFailed(rc, route, exchange.timedOut()
                            ? new TimeoutException("no byte from Tempo in " + config.upstream().timeout()) : res.cause(),
                            false);
                }
            });
            streamRequestBody(rc, upstream, exchange);
        });
    }

    private void streamRequestBody(RoutingContext rc, HttpClientRequest upstream, UpstreamDeadlines.Exchange exchange) {
        HttpServerRequest request = rc.request();
        boolean takesBody = !(request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            upstream.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else if (takesBody) {
            // A body of unknown length (chunked HTTP/1.1, or HTTP/2 without content-length) streams as it comes.
            upstream.setChunked(true);
        }
        long limit = maxBodySize;
        long[] received = {0};
        // Each piece is written when the next one comes, the last with the end: a body of one piece (a 10 KB push)
        // then goes up in one write with the request head, not a second write just to end it.
        Buffer[] held = {null};
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (!takesBody && received[0] > 0) {
                // Tempo's read API takes no body; a body it is not told the length of cannot be sent anyway.
                request.handler(null);
                ErrorResponses.closeConnectionAfterAnswer(rc);
                ErrorResponses.send(rc, 400, "bad_request", request.method().name() + " requests take no body");
                upstream.reset();
                return;
            }
            if (received[0] > limit) {
                request.handler(null);
                // Answer first: resetting the upstream request fails its response at once, and that failure
                // must find the client answered (413), not answer it itself (502).
                BodyLimit.refuse(rc, limit);
                upstream.reset();
                return;
            }
            if (held[0] != null) {
                upstream.write(held[0]);
            }
            held[0] = chunk;
            exchange.touch();
            if (upstream.writeQueueFull()) {
                request.pause();
                upstream.drainHandler(v -> request.resume());
            }
        });
        request.endHandler(v -> {
            if (received[0] <= limit && (takesBody || received[0] == 0)) {
                Buffer last = held[0];
                // Not kept by this request's handlers while Tempo answers: with 32 pushes in flight their bodies were
                // most of what each young collection copied (bench/README.md, "Fourteenth round").
                held[0] = null;
                if (last != null) {
                    upstream.end(last);
                } else {
                    upstream.end();
                }
            }
        });
        request.exceptionHandler(t -> upstream.reset());
        // Every check passed and Tempo took the request: now a client that waits for it may send the body.
        ContinueExpectation.grant(rc);
        request.resume();
    }

    private void streamResponse(RoutingContext rc, ProxyRoute route, HttpClientResponse upstream,
            UpstreamDeadlines.Exchange exchange) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            exchange.finish();
            upstream.request().reset();
            return;
        }
        exchange.touch();
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        Set<String> connectionOptions = connectionOptions(upstream.headers());
        upstream.headers().forEach(h -> {
            if (!NOT_RETURNED.test(h.getKey()) && !connectionOptions.contains(h.getKey())) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        response.headers().set(NO_SNIFF_NAME, NO_SNIFF).set(POLICY_NAME, NOTHING_RUNS);
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        // -1 for a chunked answer: its pieces are written as they come.
        long declaredLength = BodyLimit.declaredLength(upstream.getHeader(HttpHeaders.CONTENT_LENGTH));
        long[] received = {0};
        Buffer[] lastPiece = {null};
        upstream.handler(chunk -> {
            exchange.touch();
            received[0] += chunk.length();
            if (received[0] == declaredLength) {
                // The last piece of an answer of known length goes out with the end: an answer of one piece (a
                // push's, a search's) takes one write through Netty's pipeline, not a second one just to end it.
                lastPiece[0] = chunk;
                return;
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstream.pause();
                exchange.hold();
                response.drainHandler(v -> {
                    exchange.touch();
                    upstream.resume();
                });
            }
        });
        upstream.endHandler(v -> {
            exchange.finish();
            // gRPC's status travels in trailers; HTTP/1.1 carries them only on chunked answers. Asked for only when
            // there are some: a response makes its trailers map when first asked.
            if (!upstream.trailers().isEmpty()) {
                response.trailers().addAll(upstream.trailers());
            }
            Buffer last = lastPiece[0];
            lastPiece[0] = null;
            if (last != null) {
                response.end(last);
            } else {
                response.end();
            }
        });
        upstream.exceptionHandler(t -> {
            exchange.finish();
            // Headers are out: cut the connection so the client cannot take a truncated body for a whole one.
            metrics.upstreamError(route.upstream().metricName, exchange.timedOut() ? "timeout" : "broken");
            ErrorResponses.cut(rc);
        });
    }

    /**
     * @param connecting whether the request was still waiting for a connection: tracegate.upstream.connect-timeout
     *                   bounds both the connecting and the wait for a pooled connection when all are in use
     */
    private void upstreamFailed(RoutingContext rc, ProxyRoute route, Throwable cause, boolean connecting) {
        String name = route.upstream().metricName;
        String component = route.upstream().displayName;
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        // The request's body, if any, was never read: the connection cannot carry another request after this answer.
        ErrorResponses.closeConnectionAfterAnswer(rc);
        if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
            metrics.upstreamError(name, "timeout");
            ErrorResponses.send(rc, 504, "upstream_timeout", connecting
                    ? "no connection to " + component + " in time: every pooled connection was busy, or it accepted none"
                    : component + " did not answer in time");
        } else {
            metrics.upstreamError(name, cause instanceof java.net.ConnectException ? "refused" : "broken");
            ErrorResponses.send(rc, 502, "upstream_unavailable", component + " could not be reached");
        }
    }

    private static void copyRequestHeaders(HttpServerRequest request, MultiMap target) {
        Set<String> connectionOptions = connectionOptions(request.headers());
        request.headers().forEach(h -> {
            String name = h.getKey();
            if (NOT_FORWARDED.test(name) || connectionOptions.contains(name)) {
                return;
            }
            target.add(name, h.getValue());
        });
    }

    /**
     * The header names a message's {@code Connection} headers list (RFC 9110 §7.6.1): those headers are for this
     * hop only, the client's or Tempo's. Every {@code Connection} line counts, and each comma-separated name is
     * matched whole.
     */
    private static Set<String> connectionOptions(MultiMap headers) {
        if (headers.get(HttpHeaders.CONNECTION) == null) {
            return Set.of();
        }
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String value : headers.getAll(HttpHeaders.CONNECTION)) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        return names;
    }

    /**
     * Header names looked up without case: Vert.x' header map hashes a name without case, so a lookup is one hash
     * and one comparison, with no lower-cased copy of the name (a sorted set took five comparisons per header).
     * Never changed after it is built, so read from any thread.
     */
    private static Predicate<String> ignoringCase(String... names) {
        MultiMap set = MultiMap.caseInsensitiveMultiMap();
        for (String name : names) {
            set.add(name, "");
        }
        return set::contains;
    }

    /** The Tempo endpoint the tenants document names (the provisioner publishes spec.upstream), else the gateway's setting. */
    private URI base(Upstream upstream) {
        URI published = registry.current().map(c -> switch (upstream) {
            case QUERY_FRONTEND -> c.queryFrontend();
            case DISTRIBUTOR -> c.distributor();
            case DISTRIBUTOR_GRPC -> null;
        }).orElse(null);
        return published != null ? published : bases.get(upstream);
    }

    /**
     * The client's address, scheme and host as this gateway's connection saw them: read from the connection and the
     * headers, not through Vert.x Web's request, which works out its forwarding view of the request for the first of
     * them (about 1 % of a push's CPU, bench/README.md, "Thirteenth round") and trusts no forwarded value here. An
     * HTTP/2 request's host is only had that way.
     */
    private static void addForwardedHeaders(HttpServerRequest request, MultiMap target) {
        HttpConnection connection = request.connection();
        String forwardedFor = request.getHeader("X-Forwarded-For");
        String client = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
        target.set("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        target.set("X-Forwarded-Proto", connection.isSsl() ? "https" : "http");
        // HTTP/1.x names the host in the Host header, which Vert.x Web checked as an authority; HTTP/2 in :authority,
        // which Vert.x keeps out of the headers.
        String host;
        if (request.version() == HttpVersion.HTTP_2) {
            HostAndPort authority = request.authority();
            host = authority == null ? null : authority.toString();
        } else {
            host = request.getHeader(HttpHeaders.HOST);
        }
        if (host != null) {
            target.set("X-Forwarded-Host", host);
        }
    }

    /** This event loop's deadlines; the first call on a loop starts the loop's sweep. */
    private UpstreamDeadlines deadlines() {
        UpstreamDeadlines loopDeadlines = deadlines.get();
        if (loopDeadlines == null) {
            Duration timeout = config.upstream().timeout();
            UpstreamDeadlines created = new UpstreamDeadlines(timeout, System::nanoTime);
            // Called on the event loop: the periodic timer runs on this same loop, as the exchanges do.
            vertx.setPeriodic(UpstreamDeadlines.sweepPeriodMillis(timeout), id -> created.sweep());
            deadlines.set(created);
            loopDeadlines = created;
        }
        return loopDeadlines;
    }

    private HttpClient client(Upstream upstream) {
        ThreadLocal<HttpClient> clients = upstream.http2 ? http2Clients : http1Clients;
        HttpClient client = clients.get();
        if (client == null) {
            HttpClientOptions options = new HttpClientOptions()
                    .setKeepAlive(true)
                    .setKeepAliveTimeout(60)
                    .setDecompressionSupported(false)
                    .setTryUseCompression(false)
                    .setMaxChunkSize(maxChunkSize)
                    .setMaxInitialLineLength(16 * 1024)
                    .setMaxHeaderSize(64 * 1024);
            PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.upstream().maxConnections());
            if (upstream.http2) {
                // One HTTP/2 connection multiplexes many calls: a few per event loop are plenty. Over TLS, HTTP/2 is
                // what ALPN negotiates; without ALPN the client would speak HTTP/1.1, which a gRPC server refuses.
                options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(true);
                pool.setHttp2MaxSize(Math.max(1, config.upstream().maxConnections() / 16));
            }
            client = upstreamTrust.create(options, o -> vertx.createHttpClient(o, pool));
            clients.set(client);
        }
        return client;
    }

    private static int port(URI base) {
        return base.getPort() != -1 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
    }
}
