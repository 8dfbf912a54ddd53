package dev.tracegate.provisioner.grafana;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Adds who we are in Grafana to every call: a service-account token or basic auth, and the org. */
final class GrafanaAuthHeaders implements ClientRequestFilter {

    static final String ORG_HEADER = "X-Grafana-Org-Id";

    private final String authorization;
    private final Long orgId;

    GrafanaAuthHeaders(GrafanaConnection connection) {
        this.authorization = authorizationOf(connection);
        this.orgId = connection.orgId();
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (authorization != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (orgId != null) {
            request.getHeaders().putSingle(ORG_HEADER, orgId.toString());
        }
    }

    private static String authorizationOf(GrafanaConnection connection) {
        if (connection.hasToken()) {
            return "Bearer " + connection.token();
        }
        if (connection.username() != null) {
            String pair = connection.username() + ":" + (connection.password() == null ? "" : connection.password());
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }
}
