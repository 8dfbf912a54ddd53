package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * When Tempo or an issuer is down or slow, clients get 502, 503 or 504 with a JSON body, never a hang or a stack
 * trace; other tenants are not affected.
 */
@QuarkusTest
@TestProfile(UpstreamFailureTest.ShortTimeoutNoDistributor.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class UpstreamFailureTest {

    private static final long MIB = 1L << 20;

    /** A one-second upstream timeout, a distributor address where nothing listens, and a tenant whose issuer is gone. */
    public static class ShortTimeoutNoDistributor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.upstream.timeout", "1s",
                    "tracegate.upstream.distributor", "http://127.0.0.1:" + closedPort(),
                    "tracegate.tenants.file", "src/test/resources/tenants/with-unreachable-issuer.yaml");
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @AfterEach
    void calmTempo() {
        TempoStandInResource.tempo().reset();
    }

    @Test
    void tempoThatNeverAnswersIs504() {
        TempoStandInResource.tempo().hang();
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .when().get("/api/traces/v1/team-a/tempo/api/search")
                .then().statusCode(504).contentType(ContentType.JSON)
                .body("error", equalTo("upstream_timeout"))
                .body("message", equalTo("Tempo query-frontend did not answer in time"));
    }

    /**
     * The timeout counts from Tempo's last byte, not only until its answer begins: a Tempo that stops in the middle of
     * a trace does not hold the client, and a connection of the pool, for good. The headers are out, so the client
     * sees its connection cut, never a short body it could take for a whole one.
     */
    @Test
    void aTempoThatStopsInTheMiddleOfATraceIsCutOffAfterTheTimeout() throws Exception {
        TempoStandIn tempo = TempoStandInResource.tempo();
        CompletableFuture<Void> never = new CompletableFuture<>();
        tempo.streamLargeBody(4 * MIB, MIB, never);
        // The counter is the application's: other tests here time out on the query-frontend too.
        double timeoutsBefore = upstreamTimeouts("query-frontend");
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway + "api/traces/v1/team-a/tempo/api/traces/0af7651916cd43dd8448eb211c80319c"))
                            .header("Authorization", "Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> readUntilCut(response.body()));
            // One second of silence, then at most a tenth of it to notice: 20 s leaves room for a busy machine.
            assertEquals(-1L, read.get(20, TimeUnit.SECONDS), "the client's connection is cut");
            assertEquals(MIB, tempo.streamProgress().done().get(20, TimeUnit.SECONDS),
                    "the gateway let go of Tempo's connection");
            await().atMost(Duration.ofSeconds(10)).until(() -> upstreamTimeouts("query-frontend") > timeoutsBefore);
        } finally {
            never.complete(null);
        }
    }

    /** Reads the body to its end; -1 if the connection was cut before it, else the bytes read. */
    private static long readUntilCut(InputStream body) {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (body) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
            }
            return total;
        } catch (IOException cut) {
            return -1;
        }
    }

    private double upstreamTimeouts(String upstream) {
        return Scrape.sum(metrics, series -> series.startsWith("tracegate_gateway_upstream_errors_total{")
                && series.contains("upstream=\"" + upstream + "\"") && series.contains("kind=\"timeout\""));
    }

    @Test
    void distributorRefusingConnectionsIs502() {
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .contentType("application/x-protobuf").body(new byte[] { 1, 2, 3 })
                .when().post("/api/traces/v1/team-a/v1/traces")
                .then().statusCode(502).contentType(ContentType.JSON)
                .body("error", equalTo("upstream_unavailable"))
                .body("message", equalTo("Tempo distributor could not be reached"));
    }

    /**
     * The body of a push Tempo could not take is never read: the answer tells the client that its connection cannot
     * carry another request (a client reusing it would wait behind the unread body).
     */
    @Test
    void aPushWhoseBodyWasNotReadIsAnswered502WithConnectionClose() throws IOException {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: " + gateway.getHost()
                    + "\r\nAuthorization: Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE)
                    + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[10_000]);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            assertTrue(in.readLine().startsWith("HTTP/1.1 502 "));
            Map<String, String> headers = new java.util.HashMap<>();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                headers.put(line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT), line.substring(line.indexOf(':') + 1).trim());
            }
            assertEquals("close", headers.get("connection"), headers::toString);
            char[] body = new char[Integer.parseInt(headers.get("content-length"))];
            assertEquals(body.length, in.read(body));
            assertEquals("upstream_unavailable", new io.vertx.core.json.JsonObject(new String(body)).getString("error"));
        }
    }

    @Test
    void aTenantWhoseIssuerIsDownGets503AndTheOthersWorkOn() {
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .when().get("/api/traces/v1/team-gone/tempo/api/echo")
                .then().statusCode(503).contentType(ContentType.JSON)
                .body("error", equalTo("issuer_unavailable"));
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .when().get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(200);
        // Each tenant's issuer is probed on its own: wait for both verdicts. Probes run every 30 s; on a busy machine
        // one may time out (5 s) and the verdict wait for the next.
        await().atMost(Duration.ofSeconds(45)).until(() -> {
            JsonPath readiness = given().get(ready).then().extract().jsonPath();
            String gone = readiness.getString("checks.find { it.name == 'tenants' }.data.'tenant.team-gone.issuer'");
            String up = readiness.getString("checks.find { it.name == 'tenants' }.data.'tenant.team-a.issuer'");
            return gone != null && gone.startsWith("unreachable") && "reachable".equals(up);
        });
        given().get(ready).then().statusCode(200);
    }

    /** A browser's sign-in while the tenant's issuer is down: 503 that says so, counted as the sign-in's. */
    @Test
    void aSignInWhileTheIssuerIsDownIs503AndCounted() {
        double before = signIns503();
        given().redirects().follow(false).accept("text/html")
                .when().get("/oidc/team-gone/login?redirect=/")
                .then().statusCode(503).contentType(ContentType.JSON)
                .body("error", equalTo("issuer_unavailable"));
        // Counted when the answer ends, which may come after the client has it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1, signIns503() - before));
    }

    private double signIns503() {
        return Scrape.requests(metrics, "team-gone", "oidc-login", 503);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
