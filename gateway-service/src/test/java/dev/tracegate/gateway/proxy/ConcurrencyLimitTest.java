package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * tracegate.limits.concurrent-requests: a tenant with that many requests in flight gets 429 for the next one, other
 * tenants do not notice, and every way a request ends (answered, refused on the way, its client gone) gives its slot
 * back.
 */
@QuarkusTest
@TestProfile(ConcurrencyLimitTest.TwoInFlight.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ConcurrencyLimitTest {

    public static class TwoInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.limits.concurrent-requests", "2", "tracegate.limits.max-body-size", "1K");
        }
    }

    private static final String SEARCH_A = "/api/traces/v1/team-a/tempo/api/search";
    private static final String PUSH_A = "/api/traces/v1/team-a/v1/traces";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aThirdRequestInFlightIs429AndOtherTenantsAreServed() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        CompletableFuture<Void> resume = new CompletableFuture<>();
        tempo.streamLargeBody(200_000, 1_000, resume);
        String alice = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        double refusedBefore = refused("team-a");
        List<CompletableFuture<Integer>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(CompletableFuture.supplyAsync(() -> given().auth().oauth2(alice).get(SEARCH_A).statusCode()));
            }
            tempo.awaitRequests(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 2);

            given().auth().oauth2(alice).get(SEARCH_A)
                    .then().statusCode(429).contentType(ContentType.JSON)
                    .header("Retry-After", "1")
                    .body("error", equalTo("concurrency_limited"))
                    .body("message", containsString("team-a"));
            assertEquals(refusedBefore + 1, refused("team-a"));
            assertEquals(2, tempo.requests().size(), "the refused request never reached Tempo");

            // team-b's slots are its own.
            held.add(CompletableFuture.supplyAsync(() -> given()
                    .auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.BOB))
                    .get("/api/traces/v1/team-b/tempo/api/search").statusCode()));
            tempo.awaitRequests(3);
        } finally {
            resume.complete(null);
        }
        for (CompletableFuture<Integer> request : held) {
            assertEquals(200, request.get(20, TimeUnit.SECONDS));
        }
        // Answered: both slots are free again.
        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 0);
        tempo.reset();
        given().auth().oauth2(alice).get(SEARCH_A).then().statusCode(200);
    }

    @Test
    void clientsThatLeaveMidAnswerGiveTheirSlotsBack() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        CompletableFuture<Void> resume = new CompletableFuture<>();
        tempo.streamLargeBody(200_000, 1_000, resume);
        String alice = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        try {
            for (int i = 0; i < 2; i++) {
                try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                    socket.setSoTimeout(20_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET " + SEARCH_A + " HTTP/1.1\r\nHost: " + gateway.getHost() + "\r\nAuthorization: Bearer "
                            + alice + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    InputStream in = socket.getInputStream();
                    byte[] start = in.readNBytes(12);
                    assertEquals("HTTP/1.1 200", new String(start, StandardCharsets.ISO_8859_1));
                } // closed in the middle of the answer
            }
            tempo.awaitRequests(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 0);
        } finally {
            resume.complete(null);
        }
        tempo.reset();
        given().auth().oauth2(alice).get(SEARCH_A).then().statusCode(200);
    }

    @Test
    void http2StreamsResetByTheClientGiveTheirSlotsBack() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        tempo.hang();
        String alice = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient http2 = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            List<HttpClientRequest> streams = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HttpClientRequest stream = http2.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setHost(gateway.getHost()).setPort(gateway.getPort()).setURI(SEARCH_A)
                        .putHeader("Authorization", "Bearer " + alice))
                        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
                stream.end();
                streams.add(stream);
            }
            tempo.awaitRequests(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 2);
            streams.forEach(HttpClientRequest::reset); // RST_STREAM while Tempo has not answered
            await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 0);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            tempo.reset();
        }
        given().auth().oauth2(alice).get(SEARCH_A).then().statusCode(200);
    }

    @Test
    void requestsRefusedOnTheWayGiveTheirSlotsBack() throws Exception {
        TempoStandInResource.fresh();
        String alice = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        String tooLarge = "x".repeat(2_000);
        // Refused while the body streams, after the slot was taken: were it kept, the third would be 429.
        for (int i = 0; i < 3; i++) {
            RawHttp.Response refused = RawHttp.chunked(gateway, "POST", PUSH_A, tooLarge,
                    "Authorization: Bearer " + alice, "Content-Type: application/json");
            assertEquals(413, refused.status(), refused.body());
        }
        // A GET with a body is refused (400) after the slot was taken, too.
        for (int i = 0; i < 3; i++) {
            RawHttp.Response refused = RawHttp.chunked(gateway, "GET", SEARCH_A, "{}", "Authorization: Bearer " + alice);
            assertEquals(400, refused.status(), refused.body());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("team-a") == 0);
        given().auth().oauth2(alice).get(SEARCH_A).then().statusCode(200);
    }

    private double inFlight(String tenant) {
        return Scrape.sum(metrics, series -> series.startsWith("tracegate_gateway_requests_in_flight{")
                && series.contains("tenant=\"" + tenant + "\""));
    }

    private double refused(String tenant) {
        return Scrape.sum(metrics, series -> series.startsWith("tracegate_gateway_concurrency_limited_total{")
                && series.contains("tenant=\"" + tenant + "\""));
    }
}
