package bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.Set;

/**
 * The floor of the gateway's own stack for bench/run.sh: the same public paths, the same Vert.x, plain forwarding
 * with {@code X-Scope-OrgID} set and {@code Authorization} dropped. No authentication, no metrics, no Quarkus.
 * One verticle per event loop, each with its own client pools (as the gateway keeps one client per event loop).
 * OTLP gRPC comes as the gateway takes it: {@code TraceService/Export} over prior-knowledge HTTP/2 on the same port,
 * the tenant's name in the {@code x-scope-orgid} metadata, forwarded over HTTP/2 with the trailers back.
 *
 * <p>System properties: {@code port}, {@code upstream.port}, {@code grpc.upstream.port}, {@code tenant} (path
 * segment and gRPC tenant name), {@code tenant.id} (the org id sent upstream), {@code event-loops} (default: one per
 * available processor, as the gateway runs them; Vert.x's own default is two), {@code native} (prefer Netty's native transport, default false as in Quarkus).
 */
public final class BareProxy extends AbstractVerticle {

    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "authorization");
    private static final String GRPC_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private final int port;
    private final int upstreamPort;
    private final int grpcUpstreamPort;
    private final String tenant;
    private final String prefix;
    private final String tenantId;
    private HttpClient client;
    private HttpClient grpcClient;

    private BareProxy(int port, int upstreamPort, int grpcUpstreamPort, String tenant, String tenantId) {
        this.port = port;
        this.upstreamPort = upstreamPort;
        this.grpcUpstreamPort = grpcUpstreamPort;
        this.tenant = tenant;
        this.prefix = "/api/traces/v1/" + tenant + "/";
        this.tenantId = tenantId;
    }

    public static void main(String[] args) {
        int port = Integer.getInteger("port", 18485);
        int upstreamPort = Integer.getInteger("upstream.port", 18480);
        int grpcUpstreamPort = Integer.getInteger("grpc.upstream.port", 18488);
        String tenant = System.getProperty("tenant", "bench");
        String tenantId = System.getProperty("tenant.id", "bench-org");
        int eventLoops = Integer.getInteger("event-loops", Runtime.getRuntime().availableProcessors());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setPreferNativeTransport(Boolean.getBoolean("native")));
        vertx.deployVerticle(() -> new BareProxy(port, upstreamPort, grpcUpstreamPort, tenant, tenantId),
                new DeploymentOptions().setInstances(eventLoops))
                .onSuccess(id -> System.out.printf("bare Vert.x proxy on 127.0.0.1:%d, %d event loops, native transport %s%n",
                        port, eventLoops, vertx.isNativeTransportEnabled()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        // Pieces of up to 32 KiB both ways, as the gateway (quarkus.http.limits.max-chunk-size, UpstreamProxy).
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
                .setMaxChunkSize(32 * 1024).setDefaultHost("127.0.0.1").setDefaultPort(upstreamPort),
                new PoolOptions().setHttp1MaxSize(64));
        // As the gateway: HTTP/2 with prior knowledge, a few multiplexed connections per event loop (64 / 16).
        grpcClient = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setKeepAlive(true).setDefaultHost("127.0.0.1")
                .setDefaultPort(grpcUpstreamPort), new PoolOptions().setHttp2MaxSize(4));
        // Cleartext HTTP/2 with prior knowledge is on by default (HttpServerOptions.DEFAULT_HTTP2_CLEAR_TEXT_ENABLED).
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setMaxChunkSize(32 * 1024))
                .requestHandler(this::handle)
                .listen()
                .<Void>mapEmpty()
                .onComplete(started);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        String target;
        if (path.equals(GRPC_EXPORT) && request.method() == HttpMethod.POST) {
            String name = request.getHeader("x-scope-orgid");
            if (name == null || !tenant.equals(name.trim())) {
                // gRPC's own error form ("trailers-only"), as the gateway answers an unknown tenant: 5 = NOT_FOUND.
                request.response().putHeader("content-type", "application/grpc").putHeader("grpc-status", "5").end();
                return;
            }
            forward(request, grpcClient, GRPC_EXPORT, true);
            return;
        }
        if (path.startsWith(prefix + "tempo/")) {
            target = path.substring(prefix.length() + "tempo".length());
        } else if (path.equals(prefix + "v1/traces")) {
            target = "/v1/traces";
        } else {
            request.response().setStatusCode(404).end();
            return;
        }
        if (request.query() != null) {
            target = target + "?" + request.query();
        }
        forward(request, client, target, false);
    }

    private void forward(HttpServerRequest request, HttpClient client, String target, boolean grpc) {
        request.pause();
        client.request(new RequestOptions().setMethod(request.method()).setURI(target)).onComplete(ar -> {
            if (ar.failed()) {
                request.resume();
                request.response().setStatusCode(502).end();
                return;
            }
            HttpClientRequest upstream = ar.result();
            copy(request.headers(), upstream.headers());
            upstream.putHeader("X-Scope-OrgID", tenantId); // replaces the client's (for gRPC: the tenant's name)
            if (grpc) {
                upstream.putHeader("te", "trailers"); // gRPC's one end-to-end use of a hop-by-hop header
            }
            if (request.getHeader("content-length") == null && request.method() != HttpMethod.GET
                    && request.method() != HttpMethod.HEAD) {
                upstream.setChunked(true);
            }
            upstream.response().onComplete(r -> {
                if (r.failed()) {
                    request.response().setStatusCode(502).end();
                    return;
                }
                HttpClientResponse answer = r.result();
                HttpServerResponse response = request.response().setStatusCode(answer.statusCode());
                copy(answer.headers(), response.headers());
                if (answer.getHeader("content-length") == null) {
                    response.setChunked(true);
                }
                if (grpc) {
                    // gRPC's status travels in trailers, readable once the answer has ended: copied, then the end.
                    answer.pipe().endOnComplete(false).to(response).onComplete(piped -> {
                        if (piped.succeeded()) {
                            response.trailers().addAll(answer.trailers());
                            response.end();
                        } else {
                            response.reset();
                        }
                    });
                } else {
                    answer.pipeTo(response);
                }
            });
            request.pipeTo(upstream);
        });
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }
}
