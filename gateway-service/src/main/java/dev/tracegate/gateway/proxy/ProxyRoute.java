package dev.tracegate.gateway.proxy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vertx.core.http.HttpMethod;

import dev.tracegate.tenants.rbac.Permission;

/**
 * Where a request under {@code /api/traces/v1/<tenant>/} goes and what it needs:
 * <ul>
 * <li>{@code GET|HEAD tempo/<path>} → query-frontend {@code /<path>}, needs read, for the paths of
 * {@link TempoApi#ENDPOINTS} only;</li>
 * <li>{@code POST|PUT|PATCH|DELETE tempo/api/overrides} → query-frontend, needs write (Tempo's user-configurable
 * overrides API);</li>
 * <li>{@code POST v1/traces} → distributor {@code /v1/traces} (OTLP/HTTP), needs write.</li>
 * </ul>
 *
 * @param group a low-cardinality name of the Tempo endpoint, for metrics
 */
public record ProxyRoute(Upstream upstream, String upstreamPath, Permission permission, String group)
        implements RouteMatch {

    /** The OTLP gRPC method an exporter calls; the tenant's name travels in the {@code x-scope-orgid} metadata. */
    public static final String OTLP_GRPC_EXPORT = dev.tracegate.gateway.auth.TenantPaths.OTLP_GRPC_EXPORT;

    private static final String TEMPO = "tempo/";
    private static final String OTLP_TRACES = "v1/traces";
    // Lists, in the order the Allow header names them.
    private static final List<HttpMethod> READ_METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD);
    private static final List<HttpMethod> OVERRIDES_WRITE_METHODS = List.of(HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE);

    /**
     * @param rest the path after {@code /api/traces/v1/<tenant>/}, normalised
     * @return the route, or a {@link RouteMatch.Mismatch}
     */
    public static RouteMatch classify(HttpMethod method, String rest) {
        if (rest.equals(OTLP_TRACES)) {
            return method.equals(HttpMethod.POST)
                    ? new ProxyRoute(Upstream.DISTRIBUTOR, "/v1/traces", Permission.WRITE, "otlp")
                    : RouteMatch.Mismatch.METHOD_NOT_ALLOWED;
        }
        if (!rest.startsWith(TEMPO)) {
            return RouteMatch.Mismatch.NOT_FOUND;
        }
        String path = rest.substring(TEMPO.length() - 1);
        TempoApi.Endpoint endpoint = TempoApi.find(path).orElse(null);
        if (endpoint == null) {
            return RouteMatch.Mismatch.NOT_FOUND;
        }
        if (READ_METHODS.contains(method)) {
            return new ProxyRoute(Upstream.QUERY_FRONTEND, path, Permission.READ, endpoint.group());
        }
        if (endpoint.writable() && OVERRIDES_WRITE_METHODS.contains(method)) {
            return new ProxyRoute(Upstream.QUERY_FRONTEND, path, Permission.WRITE, endpoint.group());
        }
        return RouteMatch.Mismatch.METHOD_NOT_ALLOWED;
    }

    /**
     * The methods a path that {@link #classify} found takes, for the {@code Allow} header of its 405 (RFC 9110
     * §15.5.6 requires it); null for a path it does not know.
     */
    public static String allowedMethods(String rest) {
        if (rest.equals(OTLP_TRACES)) {
            return HttpMethod.POST.name();
        }
        if (!rest.startsWith(TEMPO)) {
            return null;
        }
        return TempoApi.find(rest.substring(TEMPO.length() - 1))
                .map(endpoint -> Stream.concat(READ_METHODS.stream(),
                                (endpoint.writable() ? OVERRIDES_WRITE_METHODS : List.<HttpMethod>of()).stream())
                        .map(HttpMethod::name).collect(Collectors.joining(", ")))
                .orElse(null);
    }

    /** OTLP gRPC {@code TraceService/Export} → the distributor's gRPC receiver, needs write. */
    public static ProxyRoute otlpGrpc() {
        return new ProxyRoute(Upstream.DISTRIBUTOR_GRPC, OTLP_GRPC_EXPORT, Permission.WRITE, "otlp-grpc");
    }
}
