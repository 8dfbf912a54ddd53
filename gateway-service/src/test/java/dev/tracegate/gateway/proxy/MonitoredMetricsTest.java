package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.MonitoredMetrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every gateway metric that kubernetes/components/monitoring (alerts, dashboard) uses is one /q/metrics exports,
 * once the gateway has served, refused and met a Tempo and an issuer that are down (UpstreamFailureTest's setup).
 */
@QuarkusTest
@TestProfile(UpstreamFailureTest.ShortTimeoutNoDistributor.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class MonitoredMetricsTest {
    static final Pattern METRIC = Pattern.compile("tracegate_gateway_[a-z_]+");

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExported() throws IOException {
        String token = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        given().auth().oauth2(token).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        given().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(401);
        given().auth().oauth2(token).get("/api/traces/v1/team-gone/tempo/api/echo").then().statusCode(503);
        given().auth().oauth2(token).contentType("application/x-protobuf").body(new byte[] { 1 })
                .post("/api/traces/v1/team-a/v1/traces").then().statusCode(502);

        Set<String> used = MonitoredMetrics.used(METRIC);
        assertFalse(used.isEmpty(), "the monitoring component uses gateway metrics");
        Set<String> missing = MonitoredMetrics.missing(used, given().get(metrics).asString());
        assertEquals(Set.of(), missing, "used in " + MonitoredMetrics.MONITORING + " but not in /q/metrics");
    }
}
