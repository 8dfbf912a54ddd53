package dev.tracegate.provisioner.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A noisy client cannot make the provisioner hammer the API server with TokenReviews. The tests share the client's
 * budget of the minute (127.0.0.1's): the one that must still have it runs first.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(TokenReviewLimitTest.FiveReviewsPerMinute.class)
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class TokenReviewLimitTest {
    static final String CONFIG = "/api/v1/gateways/somewhere/something/config";

    public static class FiveReviewsPerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.provisioner.api.token-reviews-per-minute", "5");
        }
    }

    @Inject
    MeterRegistry meters;

    double reviews() {
        return meters.counter("tracegate.provisioner.token.reviews", "result", "refused").count()
                + meters.counter("tracegate.provisioner.token.reviews", "result", "accepted").count();
    }

    @Test
    @Order(1)
    void aRepeatedBadTokenIsReviewedOnce() {
        double before = reviews();
        for (int i = 0; i < 10; i++) {
            given().header("Authorization", "Bearer the-same-bad-token").get(CONFIG).then()
                    .statusCode(401).body("error", is("unauthorized"));
        }
        assertEquals(before + 1, reviews(), "the refusal was remembered");
    }

    @Test
    @Order(2)
    void newBadTokensBeyondTheClientsLimitAreRefusedWithoutAReview() {
        double before = reviews();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(given().header("Authorization", "Bearer bad-token-" + i).get(CONFIG).statusCode());
        }
        assertTrue(statuses.contains(429), "429 once the client's reviews are used up: " + statuses);
        assertTrue(reviews() - before <= 5, "at most 5 TokenReviews a minute from one client, were " + (reviews() - before));
        given().header("Authorization", "Bearer bad-token-again").get(CONFIG).then()
                .statusCode(429).header("Retry-After", notNullValue()).body("error", is("too_many_requests"));
    }
}
