package dev.tracegate.provisioner.grafana;

import java.util.List;
import java.util.Map;

/**
 * The Tempo datasources one TempoGateway wants in Grafana: one per tenant.
 *
 * @param owner            {@code namespace/name} of the TempoGateway; datasources carry it as their ownership marker
 * @param throughGateway   true: datasources point at the gateway; false: straight at the query-frontend
 * @param gatewayUrl       the gateway URL as Grafana reaches it (used when {@code throughGateway})
 * @param queryFrontendUrl Tempo query-frontend URL (used when not {@code throughGateway})
 * @param authMode         how Grafana authenticates to the gateway (ignored without the gateway)
 * @param bearerToken      the token for {@link AuthMode#BEARER_TOKEN}
 * @param tlsCaPem         CA Grafana should trust when calling the datasource URL; null for none
 * @param extraJsonData    merged into each datasource's jsonData; our own fields win
 * @param nameTemplate     datasource name; placeholders {@code {tenant}}, {@code {tenantId}}, {@code {gateway}}
 *                         (the TempoGateway's name), {@code {namespace}}; null or blank means
 *                         {@value DatasourceNames#DEFAULT_TEMPLATE}
 * @param tenants          the tenants that get a datasource
 */
public record DatasourceRequest(String owner, boolean throughGateway, String gatewayUrl,
                                String queryFrontendUrl, AuthMode authMode, String bearerToken, String tlsCaPem,
                                Map<String, Object> extraJsonData, String nameTemplate, List<Tenant> tenants) {

    /** A tenant as in TempoStack: the name in the URL and the id Tempo stores under. */
    public record Tenant(String tenantName, String tenantId) {
    }

    public DatasourceRequest {
        extraJsonData = extraJsonData == null ? Map.of() : extraJsonData;
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** The same request on behalf of another owner ({@link DatasourceOwner}). */
    public DatasourceRequest ownedBy(String owner) {
        return new DatasourceRequest(owner, throughGateway, gatewayUrl, queryFrontendUrl, authMode, bearerToken, tlsCaPem,
                extraJsonData, nameTemplate, tenants);
    }

    /** Never prints the bearer token. */
    @Override
    public String toString() {
        return "DatasourceRequest[owner=" + owner + ", throughGateway=" + throughGateway + ", gatewayUrl=" + gatewayUrl
                + ", queryFrontendUrl=" + queryFrontendUrl + ", authMode=" + authMode
                + ", bearerToken=" + (bearerToken == null ? "none" : "***") + ", tlsCa=" + (tlsCaPem != null)
                + ", extraJsonData=" + extraJsonData.keySet() + ", nameTemplate=" + nameTemplate + ", tenants=" + tenants + "]";
    }
}
