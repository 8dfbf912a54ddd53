package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.MonitoredMetrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every gateway metric that kubernetes/components/monitoring (alerts, dashboard) uses is one /q/metrics exports,
 * once the gateway has served, refused (401, both 429s) and met a Tempo and an issuer that are down.
 */
@QuarkusTest
@TestProfile(MonitoredMetricsTest.LimitsAndNoDistributor.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class MonitoredMetricsTest {
    static final Pattern METRIC = Pattern.compile("tracegate_gateway_[a-z_]+");

    /** A tenant's burst; a request every 100 s beyond it: the test's requests past the burst are all 429. */
    static final int BURST = 5;

    /**
     * UpstreamFailureTest's setup (no distributor, a tenant whose issuer is gone) with both limits, one request in
     * flight per tenant, and Tempo's default timeout: a request held in flight must not time out.
     */
    public static class LimitsAndNoDistributor extends UpstreamFailureTest.ShortTimeoutNoDistributor {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.remove("tracegate.upstream.timeout");
            config.put("tracegate.limits.requests-per-second", "0.01");
            config.put("tracegate.limits.burst", Integer.toString(BURST));
            config.put("tracegate.limits.concurrent-requests", "1");
            return config;
        }
    }

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExported() throws Exception {
        TempoStandInResource.fresh();
        String token = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        // team-a's requests that pass authorization (echo, push, the held one, its 429) stay within its burst.
        given().auth().oauth2(token).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        given().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(401);
        given().auth().oauth2(token).get("/api/traces/v1/team-gone/tempo/api/echo").then().statusCode(503);
        given().auth().oauth2(token).contentType("application/x-protobuf").body(new byte[] { 1 })
                .post("/api/traces/v1/team-a/v1/traces").then().statusCode(502);

        TempoStandIn tempo = TempoStandInResource.fresh().hang(); // no recorded requests: the next one is the held one
        CompletableFuture<Integer> held = CompletableFuture.supplyAsync(
                () -> given().auth().oauth2(token).get("/api/traces/v1/team-a/tempo/api/search").statusCode());
        try {
            tempo.awaitRequests(1);
            given().auth().oauth2(token).get("/api/traces/v1/team-a/tempo/api/search")
                    .then().statusCode(429).body("error", equalTo("concurrency_limited"));
        } finally {
            tempo.reset(); // closes the held request's connection to Tempo, which ends it
        }
        held.get(20, TimeUnit.SECONDS);

        String bob = KeycloakTestResource.accessToken(KeycloakTestResource.BOB);
        for (int i = 0; i < BURST; i++) {
            given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo").then().statusCode(200);
        }
        given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo")
                .then().statusCode(429).body("error", equalTo("rate_limited"));

        Set<String> used = MonitoredMetrics.used(METRIC);
        assertFalse(used.isEmpty(), "the monitoring component uses gateway metrics");
        Set<String> missing = MonitoredMetrics.missing(used, given().get(metrics).asString());
        assertEquals(Set.of(), missing, "used in " + MonitoredMetrics.MONITORING + " but not in /q/metrics");
    }
}
