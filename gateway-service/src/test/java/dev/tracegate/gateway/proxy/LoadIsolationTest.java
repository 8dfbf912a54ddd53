package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RecordedRequest;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * Many clients at once, HTTP/1.1 and HTTP/2, mixing both tenants, valid, foreign and garbage tokens and the hostile
 * requests of the other tests. Every request that reaches Tempo must carry the X-Scope-OrgID of the tenant whose
 * token it was sent with, nothing refused may reach Tempo, the gateway answers no 5xx, and afterwards no connection
 * is left open to the gateway nor any request pending at Tempo.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class LoadIsolationTest {

    private static final int REQUESTS = 2000;
    private static final int CONCURRENCY = 64;
    private static final String A = "/api/traces/v1/team-a";
    private static final String B = "/api/traces/v1/team-b";
    private static final String SEQ = "X-Test-Seq";

    @TestHTTPResource("/")
    URL gateway;

    /** One kind of request: what it sends, the status it must get, and the org Tempo must see (null: none). */
    private record Case(String name, HttpMethod method, String path, Map<String, String> headers, int status,
            String org) {
    }

    @Test
    void tenantsStayIsolatedUnderConcurrentMixedLoad() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        List<Case> cases = cases();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        // This test's own connections, by client port: other tests' clients may still hold idle ones to the gateway.
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpClient http1 = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(CONCURRENCY * 3 / 4))
                .withConnectHandler(connection -> clientPorts.add(connection.localAddress().port())).build();
        HttpClient http2 = vertx.httpClientBuilder().with(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))
                .with(new PoolOptions().setHttp2MaxSize(2))
                .withConnectHandler(connection -> clientPorts.add(connection.localAddress().port())).build();

        Map<Integer, Case> sent = new ConcurrentHashMap<>();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        Map<String, Long> latencyMillis = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        Semaphore window = new Semaphore(CONCURRENCY);
        CountDownLatch done = new CountDownLatch(REQUESTS);
        Random random = new Random(6);
        long started = System.nanoTime();
        for (int seq = 0; seq < REQUESTS; seq++) {
            Case c = cases.get(random.nextInt(cases.size()));
            boolean overHttp2 = random.nextInt(4) == 0;
            sent.put(seq, c);
            window.acquire();
            RequestOptions options = new RequestOptions().setMethod(c.method()).setHost(gateway.getHost())
                    .setPort(gateway.getPort()).setURI(c.path()).putHeader(SEQ, Integer.toString(seq))
                    .setTimeout(30_000);
            c.headers().forEach(options::putHeader);
            int id = seq;
            long sentAt = System.nanoTime();
            (overHttp2 ? http2 : http1).request(options)
                    .compose(request -> c.method() == HttpMethod.POST
                            ? request.send(Buffer.buffer("{\"resourceSpans\":[]}")) : request.send())
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(ar -> {
                        String outcome = ar.succeeded() ? Integer.toString(ar.result()) : "failed";
                        statuses.merge(c.name() + " " + outcome, 1, Integer::sum);
                        latencyMillis.merge(c.name(), (System.nanoTime() - sentAt) / 1_000_000, Long::sum);
                        if (ar.failed() || ar.result() != c.status()) {
                            wrong.add("#" + id + " " + c.name() + (overHttp2 ? " (h2)" : "") + ": "
                                    + (ar.failed() ? ar.cause() : ar.result()));
                        }
                        window.release();
                        done.countDown();
                    });
        }
        assertTrue(done.await(120, TimeUnit.SECONDS), "every request answered");
        assertTrue(!clientPorts.isEmpty(), "the clients' connections were seen");
        double seconds = (System.nanoTime() - started) / 1e9;
        http1.close();
        http2.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.printf("LoadIsolationTest: %d requests, %d at a time, in %.1f s (%.0f/s): %s%n", REQUESTS,
                CONCURRENCY, seconds, REQUESTS / seconds, new TreeMap<>(statuses));
        System.out.println("LoadIsolationTest: total latency by case (ms): " + new TreeMap<>(latencyMillis));

        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), () -> wrong.size() + " wrong answers");
        assertTrue(statuses.keySet().stream().noneMatch(k -> k.matches(".* 5\\d\\d")), statuses::toString);

        // Tempo saw exactly the requests that should pass, each as the tenant whose token it carried.
        List<RecordedRequest> seen = tempo.requests();
        Map<Integer, RecordedRequest> bySeq = new TreeMap<>();
        for (RecordedRequest request : seen) {
            int seq = Integer.parseInt(request.header(SEQ));
            Case c = sent.get(seq);
            assertTrue(c.org() != null, "a refused request reached Tempo: " + c.name() + " " + request);
            assertEquals(List.of(c.org()), request.headerValues("X-Scope-OrgID"), c.name());
            assertEquals(null, bySeq.put(seq, request), "forwarded once");
        }
        long shouldPass = sent.values().stream().filter(c -> c.org() != null).count();
        assertEquals(shouldPass, seen.size(), "every allowed request reached Tempo once");

        // No connection left to the gateway once its clients are gone; nothing pending at Tempo.
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertEquals(0, establishedTo(gateway.getPort(), clientPorts), "connections still open to the gateway"));
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertEquals(0, tempo.requestsInFlight(), "requests still pending at Tempo"));
        int pooled = tempo.openConnections();
        System.out.printf("LoadIsolationTest: afterwards 0 connections to the gateway, %d idle pooled to Tempo%n", pooled);
        assertTrue(pooled <= 64 * 2 * Runtime.getRuntime().availableProcessors(),
                "the gateway's pool to Tempo is bounded by tracegate.upstream.max-connections per event loop: " + pooled);
    }

    private static List<Case> cases() {
        String alice = bearer(KeycloakTestResource.ALICE);
        String bob = bearer(KeycloakTestResource.BOB);
        String anna = bearer(KeycloakTestResource.ANNA);
        Map<String, String> none = Map.of();
        return List.of(
                new Case("a reads", HttpMethod.GET, A + "/tempo/api/search?limit=5", Map.of("Authorization", alice), 200, "team-a-org"),
                new Case("b reads", HttpMethod.GET, B + "/tempo/api/v2/search/tags", Map.of("Authorization", bob), 200, "team-b-org"),
                new Case("a writes", HttpMethod.POST, A + "/v1/traces", Map.of("Authorization", alice,
                        "Content-Type", "application/json"), 200, "team-a-org"),
                new Case("b writes", HttpMethod.POST, B + "/v1/traces", Map.of("Authorization", bob,
                        "Content-Type", "application/json"), 200, "team-b-org"),
                new Case("a spoofs b's org id", HttpMethod.GET, A + "/tempo/api/echo", Map.of("Authorization", alice,
                        "X-Scope-OrgID", "team-b-org"), 200, "team-a-org"),
                new Case("a's token on b", HttpMethod.GET, B + "/tempo/api/echo", Map.of("Authorization", alice), 401, null),
                new Case("b's token on a", HttpMethod.POST, A + "/v1/traces", Map.of("Authorization", bob,
                        "Content-Type", "application/json"), 401, null),
                new Case("garbage token", HttpMethod.GET, A + "/tempo/api/echo", Map.of("Authorization",
                        "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), 401, null),
                new Case("no token", HttpMethod.GET, B + "/tempo/api/echo", none, 401, null),
                new Case("reader writes", HttpMethod.POST, A + "/v1/traces", Map.of("Authorization", anna,
                        "Content-Type", "application/json"), 403, null),
                new Case("shutdown", HttpMethod.GET, A + "/tempo/shutdown", Map.of("Authorization", alice), 404, null),
                new Case("encoded traversal", HttpMethod.GET, A + "/tempo/api/%2e%2e/flush", Map.of("Authorization", alice), 404, null),
                new Case("pprof", HttpMethod.GET, B + "/tempo/debug/pprof/heap", Map.of("Authorization", bob), 404, null),
                new Case("grpc content type", HttpMethod.GET, A + "/tempo/api/search", Map.of("Content-Type",
                        "application/grpc"), 401, null),
                new Case("outside the routes", HttpMethod.GET, "/api/traces/v1/../../x", none, 404, null),
                new Case("hostile logout redirect", HttpMethod.GET, "/oidc/team-a/logout?redirect=/%09/evil.example",
                        none, 200, null),
                new Case("cross-site sign-out", HttpMethod.POST, "/oidc/team-a/logout", Map.of("Cookie",
                        "q_session_team-a=stolen", "Origin", "https://evil.example"), 403, null),
                new Case("cross-site cookie write", HttpMethod.POST, A + "/v1/traces", Map.of("Cookie",
                        "q_session_team-a=stolen", "Origin", "https://evil.example", "Content-Type", "text/plain"), 403, null));
    }

    private static String bearer(String user) {
        return "Bearer " + KeycloakTestResource.accessToken(user);
    }

    /** ESTABLISHED TCP connections from one of these client ports to the gateway's port: the gateway's side of each. */
    private static long establishedTo(int port, Set<Integer> clientPorts) throws Exception {
        long count = 0;
        for (String table : new String[] { "/proc/net/tcp", "/proc/net/tcp6" }) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path); // read once: sockets come and go between two reads
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String local = fields[1];
                String remote = fields[2];
                int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (localPort == port && clientPorts.contains(remotePort) && fields[3].equals("01")) {
                    count++;
                }
            }
        }
        return count;
    }
}
