package dev.tracegate.gateway.tenant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.ProvisionerStandIn;
import dev.tracegate.gateway.testsupport.ProvisionerStandIn.Answer;

/**
 * How the gateway asks again when the provisioner does not give it a document: after a growing pause while the
 * provisioner keeps failing, never sooner than its {@code Retry-After}, and not at once when an answer carries no
 * {@code ETag} to long-poll on. Meanwhile the tenants it holds keep serving. The assertions are on the shortest
 * gaps between asks, which a slow machine only makes longer.
 */
@QuarkusTest
@TestProfile(ProvisionerRetryTest.Retrying.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true)
class ProvisionerRetryTest {

    private static final long RETRY_INTERVAL_MS = 200;
    private static final long MAX_RETRY_INTERVAL_MS = 1600;

    public static class Retrying implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "", "tracegate.tenants.provisioner.wait", "300ms",
                    "tracegate.tenants.provisioner.retry-interval", RETRY_INTERVAL_MS + "ms",
                    "tracegate.tenants.provisioner.max-retry-interval", MAX_RETRY_INTERVAL_MS + "ms");
        }
    }

    /** Back to normal answers, and on once the gateway long-polls again: it holds a document, its failures are over. */
    @AfterEach
    void provisionerAnswersAgain() {
        ProvisionerStandIn.answerWith(null);
        int from = ProvisionerStandIn.polls().size();
        await().atMost(Duration.ofSeconds(20)).until(() -> ProvisionerStandIn.polls().stream().skip(from)
                .anyMatch(p -> ProvisionerStandIn.ETAG.equals(p.ifNoneMatch())));
    }

    @Test
    void aRetryAfterIsTheShortestPauseUpToTheLongest() {
        List<Long> asks = asksAfter(tooManyRequests("1"), 2);
        long gap = millis(asks.get(1) - asks.get(0));
        assertTrue(gap >= 1000, "asked again " + gap + " ms after a 429 with Retry-After: 1");
        // An hour is cut to max-retry-interval (1.6 s): the next asks come within the wait of asksAfter, not an hour.
        asksAfter(tooManyRequests("3600"), 2);
    }

    private static Answer tooManyRequests(String retryAfter) {
        return new Answer(429, Map.of("Retry-After", retryAfter, "Content-Type", "application/json"),
                "{\"error\":\"too_many_requests\"}");
    }

    @Test
    void whileTheProvisionerFailsThePausesGrowAndTheTenantsKeepServing() {
        List<Long> asks = asksAfter(new Answer(503, Map.of("Content-Type", "application/json"),
                "{\"error\":\"token_review_failed\"}"), 6);
        // Pauses drawn from the upper half of 200, 400, 800, then 1600 ms (the most): the fourth and fifth at least 800.
        long fourth = millis(asks.get(4) - asks.get(3));
        long fifth = millis(asks.get(5) - asks.get(4));
        assertTrue(fourth >= MAX_RETRY_INTERVAL_MS / 2 && fifth >= MAX_RETRY_INTERVAL_MS / 2,
                "pauses after the fourth and fifth failure in a row: " + fourth + " and " + fifth + " ms");
        // team-a, from the document held: it asks for a token, where a tenant the gateway does not know is 404.
        given().when().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(401);
    }

    @Test
    void anAnswerWithoutAnEtagIsNotAskedForAgainAtOnce() {
        List<Long> asks = asksAfter(new Answer(200, Map.of("Content-Type", "application/json"),
                ProvisionerStandIn.DOCUMENT), 4);
        for (int i = 1; i < asks.size(); i++) {
            long gap = millis(asks.get(i) - asks.get(i - 1));
            assertTrue(gap >= RETRY_INTERVAL_MS, "asked again " + gap + " ms after a document without ETag");
        }
    }

    /** From now on the provisioner answers {@code answer}; the times of the first {@code count} asks that got it. */
    private static List<Long> asksAfter(Answer answer, int count) {
        ProvisionerStandIn.answerWith(answer);
        int from = ProvisionerStandIn.pollTimes().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProvisionerStandIn.pollTimes().size() >= from + count);
        return ProvisionerStandIn.pollTimes().subList(from, from + count);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
