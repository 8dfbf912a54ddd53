package dev.tracegate.gateway.auth;

/** Where the tenant's name stands in the gateway's URLs. */
public final class TenantPaths {

    public static final String API_PREFIX = "/api/traces/v1/";
    public static final String OIDC_PREFIX = "/oidc/";

    private TenantPaths() {
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
