package dev.tracegate.gateway.auth;

/** Where the tenant's name stands in the gateway's URLs. */
public final class TenantPaths {

    public static final String API_PREFIX = "/api/traces/v1/";
    public static final String OIDC_PREFIX = "/oidc/";

    private TenantPaths() {
    }

    /** OTLP gRPC carries the tenant's name in this metadata (an HTTP/2 header), as Tempo's own clients do. */
    public static final String GRPC_TENANT_HEADER = "x-scope-orgid";
    public static final String OTLP_GRPC_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    /** The tenant a request is for: from the path, or for OTLP gRPC from its {@code x-scope-orgid} metadata. */
    public static String tenantOf(io.vertx.ext.web.RoutingContext rc) {
        String path = rc.normalizedPath();
        if (OTLP_GRPC_EXPORT.equals(path)) {
            String name = rc.request().getHeader(GRPC_TENANT_HEADER);
            return name == null || name.isBlank() ? null : name.trim();
        }
        return tenantOf(path);
    }

    /** The tenant name of {@code /api/traces/v1/<tenant>/...} or {@code /oidc/<tenant>/...}, else {@code null}. */
    public static String tenantOf(String path) {
        if (path == null) {
            return null;
        }
        String rest;
        if (path.startsWith(API_PREFIX)) {
            rest = path.substring(API_PREFIX.length());
        } else if (path.startsWith(OIDC_PREFIX)) {
            rest = path.substring(OIDC_PREFIX.length());
        } else {
            return null;
        }
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        return name.isEmpty() ? null : name;
    }
}
