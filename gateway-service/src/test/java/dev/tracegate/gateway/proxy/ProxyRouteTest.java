package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpMethod;

import dev.tracegate.tenants.rbac.Permission;

/** Which Tempo endpoint a gateway path reaches, and the permission it needs. */
class ProxyRouteTest {

    @Test
    void everyTempoReadPathGoesToTheQueryFrontendWithRead() {
        for (String path : new String[] { "api/traces/0af7651916cd43dd8448eb211c80319c", "api/v2/traces/abc",
                "api/search", "api/search/tags", "api/v2/search/tags", "api/v2/search/tag/service.name/values",
                "api/search/tag/name/values", "api/metrics/query_range", "api/echo", "api/status/buildinfo" }) {
            ProxyRoute route = (ProxyRoute) ProxyRoute.classify(HttpMethod.GET, "tempo/" + path);
            assertEquals(Upstream.QUERY_FRONTEND, route.upstream(), path);
            assertEquals("/" + path, route.upstreamPath(), path);
            assertEquals(Permission.READ, route.permission(), path);
        }
        assertEquals(Permission.READ, ((ProxyRoute) ProxyRoute.classify(HttpMethod.HEAD, "tempo/api/echo")).permission());
    }

    @Test
    void overridesWritesNeedWrite() {
        for (HttpMethod method : new HttpMethod[] { HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE }) {
            ProxyRoute route = (ProxyRoute) ProxyRoute.classify(method, "tempo/api/overrides");
            assertEquals(Permission.WRITE, route.permission());
            assertEquals("/api/overrides", route.upstreamPath());
        }
        assertEquals(Permission.READ,
                ((ProxyRoute) ProxyRoute.classify(HttpMethod.GET, "tempo/api/overrides")).permission());
    }

    @Test
    void otlpGoesToTheDistributorWithWrite() {
        ProxyRoute route = (ProxyRoute) ProxyRoute.classify(HttpMethod.POST, "v1/traces");
        assertEquals(Upstream.DISTRIBUTOR, route.upstream());
        assertEquals("/v1/traces", route.upstreamPath());
        assertEquals(Permission.WRITE, route.permission());
    }

    @Test
    void everythingElseIsRefused() {
        assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(HttpMethod.GET, "loki/api/v1/query"));
        assertEquals(RouteMatch.Mismatch.NOT_FOUND, ProxyRoute.classify(HttpMethod.GET, "tempo/"));
        assertEquals(RouteMatch.Mismatch.METHOD_NOT_ALLOWED, ProxyRoute.classify(HttpMethod.GET, "v1/traces"));
        assertEquals(RouteMatch.Mismatch.METHOD_NOT_ALLOWED, ProxyRoute.classify(HttpMethod.POST, "tempo/api/search"));
    }
}
