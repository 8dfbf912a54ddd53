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
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.Set;

/**
 * The floor of the gateway's own stack for bench/run.sh: the same public paths, the same Vert.x, plain forwarding
 * with {@code X-Scope-OrgID} set and {@code Authorization} dropped. No authentication, no metrics, no Quarkus.
 * One verticle per event loop, each with its own client pool (as the gateway keeps one client per event loop).
 *
 * <p>System properties: {@code port}, {@code upstream.port}, {@code tenant} (path segment), {@code tenant.id}
 * (the org id sent upstream), {@code event-loops} (default: Vert.x's, twice the available processors),
 * {@code native} (prefer Netty's native transport, default false as in Quarkus).
 */
public final class BareProxy extends AbstractVerticle {

    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "authorization");

    private final int port;
    private final int upstreamPort;
    private final String prefix;
    private final String tenantId;
    private HttpClient client;

    private BareProxy(int port, int upstreamPort, String tenant, String tenantId) {
        this.port = port;
        this.upstreamPort = upstreamPort;
        this.prefix = "/api/traces/v1/" + tenant + "/";
        this.tenantId = tenantId;
    }

    public static void main(String[] args) {
        int port = Integer.getInteger("port", 18485);
        int upstreamPort = Integer.getInteger("upstream.port", 18480);
        String tenant = System.getProperty("tenant", "bench");
        String tenantId = System.getProperty("tenant.id", "bench-org");
        int eventLoops = Integer.getInteger("event-loops", VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setPreferNativeTransport(Boolean.getBoolean("native")));
        vertx.deployVerticle(() -> new BareProxy(port, upstreamPort, tenant, tenantId),
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
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
                .setDefaultHost("127.0.0.1").setDefaultPort(upstreamPort), new PoolOptions().setHttp1MaxSize(64));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(this::handle)
                .listen()
                .<Void>mapEmpty()
                .onComplete(started);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        String target;
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
        request.pause();
        client.request(new RequestOptions().setMethod(request.method()).setURI(target)).onComplete(ar -> {
            if (ar.failed()) {
                request.resume();
                request.response().setStatusCode(502).end();
                return;
            }
            HttpClientRequest upstream = ar.result();
            copy(request.headers(), upstream.headers());
            upstream.putHeader("X-Scope-OrgID", tenantId);
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
                answer.pipeTo(response);
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
