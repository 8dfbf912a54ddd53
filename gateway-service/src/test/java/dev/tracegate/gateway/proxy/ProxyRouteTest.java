package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpMethod;

import dev.tracegate.tenants.rbac.Permission;

/** Which Tempo endpoint a gateway path reaches, and the permission it needs: Tempo's query API, nothing else. */
class ProxyRouteTest {

    private static final String TRACE_ID = "2f3e0cee77ae5dc9c17ade3689eb2e54";

    @Test
    void tempoQueryApiGoesToTheQueryFrontendWithRead() {
        for (String path : new String[] { "/api/traces/" + TRACE_ID, "/api/v2/traces/" + TRACE_ID, "/api/traces/abc",
                "/api/search", "/api/search/tags", "/api/v2/search/tags", "/api/search/tag/service.name/values",
                "/api/v2/search/tag/resource.service.name/values", "/api/v2/search/tag/span.http.status_code/values",
                "/api/v2/search/tag/x/values", "/api/metrics/query", "/api/metrics/query_range", "/api/echo",
                "/api/status/buildinfo", "/api/overrides" }) {
            for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.HEAD }) {
                ProxyRoute route = (ProxyRoute) ProxyRoute.classify(method, "tempo" + path);
                assertEquals(Upstream.QUERY_FRONTEND, route.upstream(), path);
                assertEquals(path, route.upstreamPath(), "the path checked is the path forwarded");
                assertEquals(Permission.READ, route.permission(), path);
            }
        }
    }

    @Test
    void overridesWritesNeedWrite() {
        for (HttpMethod method : new HttpMethod[] { HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE }) {
            ProxyRoute route = (ProxyRoute) ProxyRoute.classify(method, "tempo/api/overrides");
            assertEquals(Permission.WRITE, route.permission());
            assertEquals("/api/overrides", route.upstreamPath());
        }
    }

    @Test
    void otlpGoesToTheDistributorWithWrite() {
        ProxyRoute route = (ProxyRoute) ProxyRoute.classify(HttpMethod.POST, "v1/traces");
        assertEquals(Upstream.DISTRIBUTOR, route.upstream());
        assertEquals("/v1/traces", route.upstreamPath());
        assertEquals(Permission.WRITE, route.permission());
    }

    /** Tempo's documented endpoints that are not the query API: administrative, or for every tenant at once. */
    @Test
    void tempoAdministrativeAndInternalEndpointsAreNotFound() {
        for (String path : new String[] { "/shutdown", "/flush", "/metrics", "/ready", "/status", "/status/config",
                "/status/services", "/status/endpoints", "/status/version", "/status/overrides",
                "/status/runtime_config", "/status/usage-stats", "/status/buildinfo", "/memberlist", "/config",
                "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/goroutine", "/debug/pprof/profile",
                "/ingester/shutdown", "/ingester/flush", "/distributor/ring", "/ingester/ring", "/compactor/ring",
                "/metrics-generator/ring", "/partition/ring", "/usage_report", "/otlp/v1/traces",
                "/v1/traces", "/api/push", "/api/traces", "/api/v2/traces", "/api/v2/search",
                "/api/search/tag/service.name", "/api/search/tag//values", "/api/metrics/summary",
                "/api/metrics/query_range/x", "/api/overrides/x", "/api/echo/", "/api/traces/not-hex",
                "/api/traces/" + TRACE_ID + "0", "/api/traces/" + TRACE_ID + "/x",
                "/api/search/tag/a%2F..%2F..%2Fshutdown/values", "/api/v2/search/tag/..%2Fshutdown/values",
                "/api/v2/search/tag/a%2F.%2Fb/values", "/api/v2/search/tag/a%2F%2E%2E%2Fb/values",
                "/api/v2/search/tag/a%25b/values", "/api/v2/search/tag/a%5Cb/values", "/api/v2/search/tag/a%00/values",
                "/api/v2/search/tag/a%0Ab/values", "/api/v2/search/tag/a%7F/values", "/api/v2/search/tag/a%2/values",
                "/api/v2/search/tag/a%zz/values",
                "/api/search/tag/../values", "/api/echo;jsessionid=1", "/api/echo;/../../shutdown",
                "//api/echo", "/api//echo", "/api/echo\\..\\..\\shutdown", "/API/ECHO", "" }) {
            for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE }) {
                assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(method, "tempo" + path),
                        method + " " + path);
            }
        }
    }

    /**
     * Grafana's Tempo datasource percent-encodes a tag name for the tag values endpoints (Tempo decodes it): scoped
     * intrinsics, attribute names with a slash (Kubernetes labels), quoted names with spaces.
     */
    @Test
    void tagNamesArriveAsGrafanaEncodesThem() {
        for (String tag : new String[] { "span%3Astatus", "trace%3ArootService", "event%3Aname",
                "resource.k8s.pod.labels.app.kubernetes.io%2Fname", "span.%22http%20route%22", "span.caf%C3%A9" }) {
            for (String path : new String[] { "/api/search/tag/" + tag + "/values",
                    "/api/v2/search/tag/" + tag + "/values" }) {
                ProxyRoute route = (ProxyRoute) ProxyRoute.classify(HttpMethod.GET, "tempo" + path);
                assertEquals(path, route.upstreamPath(), "forwarded as sent, for Tempo to decode");
                assertEquals(Permission.READ, route.permission(), path);
            }
        }
    }

    @Test
    void everythingElseIsRefused() {
        assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(HttpMethod.GET, "loki/api/v1/query"));
        assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(HttpMethod.GET, "tempo/"));
        assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(HttpMethod.GET, "tempo"));
        assertEquals(RouteMatch.Mismatch.METHOD_NOT_ALLOWED, ProxyRoute.classify(HttpMethod.GET, "v1/traces"));
        assertEquals(RouteMatch.Mismatch.METHOD_NOT_ALLOWED, ProxyRoute.classify(HttpMethod.POST, "tempo/api/search"));
        assertEquals(RouteMatch.Mismatch.METHOD_NOT_ALLOWED, ProxyRoute.classify(HttpMethod.DELETE, "tempo/api/echo"));
    }

    @Test
    void readmePrintsTheAllowList() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (TempoApi.Endpoint endpoint : TempoApi.ENDPOINTS) {
            assertTrue(readme.contains("`" + endpoint.path() + "`"), "README names " + endpoint.path());
        }
    }
}
