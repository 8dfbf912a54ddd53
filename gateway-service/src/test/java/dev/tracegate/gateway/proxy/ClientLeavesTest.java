package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

import dev.tracegate.gateway.metrics.GatewayMetrics;
import dev.tracegate.gateway.testsupport.EventLoops;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * A client that goes away while its request waits for a connection to Tempo leaves nothing behind: Tempo is not sent
 * half a request that holds a pooled connection until the upstream timeout, so the next client is served.
 */
@QuarkusTest
@TestProfile(ClientLeavesTest.OneConnectionToTempo.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ClientLeavesTest {

    /** One event loop with one pooled connection to Tempo, so that a second request has to wait for the first. */
    public static class OneConnectionToTempo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.vertx.event-loops-pool-size", "1",
                    "tracegate.upstream.max-connections", "1",
                    "tracegate.upstream.connect-timeout", "3s");
        }
    }

    private static final String PUSH = "/api/traces/v1/team-a/v1/traces";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    Vertx vertx;

    @Test
    void aClientThatLeavesWhileWaitingForTempoHoldsNoConnectionToIt() throws Exception {
        assertEquals(1, EventLoops.of(vertx), "a setting wins over the gateway's one loop per core");
        TempoStandIn tempo = TempoStandInResource.fresh();
        String token = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        CompletableFuture<Integer> holder = takeTheOnlyConnection(tempo, token);

        double pushesEnded = endedPushes();
        double clientClosed = Scrape.requests(metrics, "team-a", "otlp", GatewayMetrics.CLIENT_CLOSED);
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + PUSH + " HTTP/1.1\r\nHost: " + gateway.getHost() + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[1000]);
            out.flush();
        }
        // The gateway took the push (it waits for the connection) and saw its client leave.
        await().atMost(Duration.ofSeconds(20)).until(() -> endedPushes() > pushesEnded);
        assertEquals(clientClosed + 1, Scrape.requests(metrics, "team-a", "otlp", GatewayMetrics.CLIENT_CLOSED),
                "counted as closed by its client (499), not as the 200 a response starts with");

        tempo.reset(); // frees the connection: the search ends, and the waiting push would get the connection now
        holder.get(20, TimeUnit.SECONDS);
        // Were the push sent on, Tempo would wait for the rest of its body (60 s) on the only connection: 504 here.
        given().auth().oauth2(token).when().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> tempo.requestsInFlight() == 0);
    }

    /**
     * Every pooled connection busy for the whole connect-timeout (3 s here): a 504 that says no connection was had,
     * not that Tempo was slow to answer a request it never got.
     */
    @Test
    void aRequestThatGetsNoPooledConnectionInTimeIsToldSo() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        String token = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        CompletableFuture<Integer> holder = takeTheOnlyConnection(tempo, token);
        try {
            given().auth().oauth2(token).when().get("/api/traces/v1/team-a/tempo/api/echo")
                    .then().statusCode(504).body("error", equalTo("upstream_timeout"))
                    .body("message", equalTo("no connection to Tempo query-frontend in time: every pooled connection"
                            + " was busy, or it accepted none"));
            assertEquals(1, tempo.requestsInFlight(), "the second request never reached Tempo");
        } finally {
            tempo.reset();
            holder.get(20, TimeUnit.SECONDS);
        }
    }

    /** A search Tempo holds unanswered, on the one pooled connection; its status once Tempo lets go. */
    private static CompletableFuture<Integer> takeTheOnlyConnection(TempoStandIn tempo, String token) {
        tempo.hang();
        CompletableFuture<Integer> holder = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                .when().get("/api/traces/v1/team-a/tempo/api/search").statusCode());
        tempo.awaitRequests(1);
        return holder;
    }

    /** Pushes the gateway counted as ended, whatever their status (a client that left ends its request too). */
    private double endedPushes() {
        return Scrape.sum(metrics, series -> series.startsWith("tracegate_gateway_requests_seconds_count{")
                && series.contains("route=\"otlp\""));
    }
}
