package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * A reader (here alice, who may also write) tries Tempo's administrative endpoints through the gateway, sent byte for
 * byte as an attacker would, with encoded traversal and odd slashes: each is a JSON 404 and Tempo sees nothing.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class TempoAllowListTest {

    private static final String TEMPO = "/api/traces/v1/team-a/tempo";

    @TestHTTPResource("/")
    URL gateway;

    private TempoStandIn tempo;
    private String bearer;

    @BeforeEach
    void setUp() {
        tempo = TempoStandInResource.fresh();
        bearer = "Authorization: Bearer " + KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
    }

    @Test
    void tempoAdministrativeEndpointsAreNotFoundForAnyCaller() throws Exception {
        for (String target : new String[] { "/shutdown", "/flush", "/metrics", "/ready", "/status", "/status/config",
                "/status/services", "/status/endpoints", "/status/version", "/status/runtime_config",
                "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/goroutine?debug=2", "/memberlist",
                "/ingester/shutdown", "/distributor/ring", "/api/search/../../shutdown", "/api/%2e%2e/shutdown",
                "/api/%2E%2E/%2e%2e/flush", "/api/search/tag/..%2f..%2fshutdown/values",
                "/api/search/tag/..%2F..%2F..%2Fflush/values", "/api/echo;/../../shutdown", "/api/echo;x=1",
                "//shutdown", "/api/echo%00", "/api/echo%2f", "/api/echo%5c..%5cshutdown",
                "/api/v2/search/tag/..%2fshutdown/values", "/api/v2/search/tag/x%2f%2e%2e%2fy/values",
                "/api/traces/%2e%2e%2f%2e%2e%2fshutdown" }) {
            for (String method : new String[] { "GET", "POST" }) {
                RawHttp.Response response = RawHttp.exchange(gateway, method, TEMPO + target, new String[] { bearer },
                        method.equals("POST") ? new byte[0] : null);
                assertEquals(404, response.status(), method + " " + target);
                assertEquals("application/json", response.header("content-type"), target);
                assertEquals("not_found", new JsonObject(response.body()).getString("error"), target);
            }
        }
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
    }

    @Test
    void theQueryApiArrivesAtExactlyThePathThatWasChecked() throws Exception {
        String[][] cases = { { "/api/v2/search/tag/resource.service.name/values", "/api/v2/search/tag/resource.service.name/values" },
                { "/api/search/tags", "/api/search/tags" }, { "/api/%65cho", "/api/echo" },
                { "/api/status/../echo", "/api/echo" }, { "//api//echo", "/api/echo" },
                { "/api/traces/2f3e0cee77ae5dc9c17ade3689eb2e54", "/api/traces/2f3e0cee77ae5dc9c17ade3689eb2e54" },
                // Grafana encodes tag names; Tempo decodes them.
                { "/api/v2/search/tag/span%3Astatus/values", "/api/v2/search/tag/span%3Astatus/values" },
                { "/api/v2/search/tag/k8s.pod.labels.app.kubernetes.io%2Fname/values",
                        "/api/v2/search/tag/k8s.pod.labels.app.kubernetes.io%2Fname/values" },
                { "/api/metrics/query_range?q=%7B%7D", "/api/metrics/query_range" } };
        for (String[] c : cases) {
            RawHttp.Response response = RawHttp.get(gateway, TEMPO + c[0], bearer);
            assertEquals(200, response.status(), c[0]);
            assertEquals(c[1], tempo.lastRequest().path(), c[0]);
            assertEquals("team-a-org", tempo.lastRequest().orgId());
        }
        assertEquals("q=%7B%7D", tempo.lastRequest().query());
        assertEquals(cases.length, tempo.requests().size());
    }

    @Test
    void withoutATokenAdministrativePathsAreNotFoundToo() throws Exception {
        RawHttp.Response response = RawHttp.get(gateway, TEMPO + "/shutdown");
        assertEquals(404, response.status());
        assertTrue(response.body().contains("no such route"), response.body());
        assertEquals(0, tempo.requests().size());
    }
}
