package dev.tracegate.provisioner.api;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.CapturedLogs;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * An API server that does not answer a TokenReview, or fails it, costs a gateway's poll one try of at most
 * {@code api.token-review-timeout} (1s here): a 503 with Retry-After, after which the gateway polls again, and the
 * failure is not remembered as a refusal of its token. The Kubernetes client's own request timeout is set above the
 * mock API server's delay, so that only the TokenReview's own deadline can answer in time.
 */
@QuarkusTest
@TestProfile(TokenReviewTimeoutTest.OneSecondReviews.class)
@WithKubernetesTestServer(crud = true, setup = TokenReviewTimeoutTest.SilentThenFailingApiServer.class)
class TokenReviewTimeoutTest {
    static final Duration SILENT_FOR = Duration.ofMinutes(1);
    /** Far above the 1s deadline and far below the delay: a slow machine does not miss it, a wait for the answer does. */
    static final Duration ANSWERED_WITHIN = Duration.ofSeconds(30);

    public static class OneSecondReviews implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.provisioner.api.token-review-timeout", "1s",
                    "quarkus.kubernetes-client.request-timeout", "2m");
        }
    }

    /**
     * The first TokenReview is answered (an acceptance) only after a minute, the second with a 500; the ones after
     * them as in every test. Queued before KubernetesMockSetup's answer, which stays for every review after them.
     */
    public static class SilentThenFailingApiServer implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            server.expect().post().delay(SILENT_FOR.toMillis(), TimeUnit.MILLISECONDS)
                    .withPath(KubernetesMockSetup.TOKEN_REVIEWS)
                    .andReply(201, KubernetesMockSetup::review)
                    .once();
            server.expect().post().withPath(KubernetesMockSetup.TOKEN_REVIEWS)
                    .andReturn(500, new StatusBuilder().withStatus("Failure").withCode(500).withReason("InternalError")
                            .withMessage("the API server failed the review").build())
                    .once();
            new KubernetesMockSetup().accept(server);
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    @Test
    void eachPollMeetingASilentOrFailingApiServerIsOneShort503AndTheTokenIsAcceptedOnceItAnswers() {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        cluster.seedReadyGateway(namespace, "first-secret");
        String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
        String config = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";

        double failedBefore = failedReviews();
        List<LogRecord> warnings;
        try (CapturedLogs logs = CapturedLogs.start()) {
            // Silent: answered when the deadline passes, not when the API server's answer comes a minute later.
            long start = System.nanoTime();
            tokenReviewFailed(given().auth().oauth2(token).when().get(config).then(), token);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(ANSWERED_WITHIN) < 0, "answered after " + took + ", not within " + ANSWERED_WITHIN);

            // Failing: one try, not the client's retries (which would have met the next, good, answer).
            long reviewsBefore = tokenReviewsSent();
            tokenReviewFailed(given().auth().oauth2(token).when().get(config).then(), token);
            assertEquals(1, tokenReviewsSent() - reviewsBefore, "TokenReviews sent for one poll");
            warnings = logs.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        }
        List<String> lines = warnings.stream().map(CapturedLogs::text).toList();
        long reviewWarnings = lines.stream().filter(w -> w.contains("Cannot review a caller's token for " + namespace + "/" + GATEWAY)).count();
        assertEquals(2, reviewWarnings, "one WARN per failed review: " + lines);
        assertTrue(lines.stream().noneMatch(w -> w.contains(token)), "no token in the log: " + lines);
        assertEquals(2, failedReviews() - failedBefore, "tracegate_provisioner_token_reviews_total{result=\"failed\"}");

        // Neither failure was remembered as a refusal (that would be 401 for api.token-refusal-cache): asked again.
        given().auth().oauth2(token).when().get(config).then()
                .statusCode(200)
                .body("tenants.authentication[0].tenantName", equalTo(Fixtures.TENANT));
    }

    private static void tokenReviewFailed(ValidatableResponse answer, String token) {
        answer.statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType("application/json")
                .body("error", equalTo("token_review_failed"))
                .body(not(containsString(token)));
    }

    private double failedReviews() {
        return meters.counter("tracegate.provisioner.token.reviews", "result", "failed").count();
    }

    private static long tokenReviewsSent() {
        return ApiRequestLog.read().stream().filter(r -> r.resource().equals("tokenreviews")).count();
    }
}
