package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the datasources a request wants: a pure function, no Grafana involved (spec.grafana in
 * provisioner-service/README.md).
 */
public final class DesiredDatasources {

    static final String TRACES_PATH = "/api/traces/v1/";

    private DesiredDatasources() {
    }

    /**
     * @throws IllegalArgumentException when the request cannot describe a datasource (missing URL or token,
     *                                  duplicate tenant); the message names the field, never a secret
     */
    public static List<DesiredDatasource> from(DatasourceRequest request) {
        validate(request);
        List<DesiredDatasource> desired = new ArrayList<>();
        Map<String, String> tenantByName = new HashMap<>();
        for (DatasourceRequest.Tenant tenant : request.tenants()) {
            DesiredDatasource datasource = forTenant(request, tenant);
            // Grafana keeps names unique in an org: a second tenant's create would be refused (409) at every retry.
            require(!datasource.name().isEmpty(), "spec.grafana.datasource.nameTemplate gives tenant '" + tenant.tenantName()
                    + "' an empty datasource name");
            String other = tenantByName.putIfAbsent(datasource.name(), tenant.tenantName());
            require(other == null, "spec.grafana.datasource.nameTemplate gives tenants '" + other + "' and '" + tenant.tenantName()
                    + "' the same datasource name \"" + datasource.name() + "\"; Grafana's names are unique: put {tenant} in it");
            desired.add(datasource);
        }
        return desired;
    }

    static DesiredDatasource forTenant(DatasourceRequest request, DatasourceRequest.Tenant tenant) {
        String uid = DatasourceUid.of(request.owner(), tenant.tenantName());
        String name = DatasourceNames.render(request.nameTemplate(), request.owner(), tenant);

        ObjectNode jsonData = Json.MAPPER.valueToTree(request.extraJsonData());
        jsonData.remove(DesiredDatasource.GRAFANAS_LBAC_RULES);
        Map<String, String> secure = new TreeMap<>();
        String url;
        boolean checkable;
        if (request.throughGateway()) {
            url = stripTrailingSlash(request.gatewayUrl()) + TRACES_PATH + tenant.tenantName() + "/tempo";
            // Grafana's streaming client dials the URL's host and port over gRPC and drops its path (the tenant),
            // and it sends no forwarded OAuth identity: through the gateway, search and metrics go over HTTP.
            ObjectNode streaming = jsonData.putObject("streamingEnabled");
            streaming.put("search", false);
            streaming.put("metrics", false);
            if (request.authMode() == AuthMode.BEARER_TOKEN) {
                jsonData.put("httpHeaderName1", "Authorization");
                secure.put(DesiredDatasource.HEADER_VALUE_1, "Bearer " + request.bearerToken());
                checkable = true;
            } else {
                jsonData.put("oauthPassThru", true);
                checkable = false;
            }
        } else {
            url = request.queryFrontendUrl();
            jsonData.put("httpHeaderName1", "X-Scope-OrgID");
            secure.put(DesiredDatasource.HEADER_VALUE_1, tenant.tenantId());
            checkable = true;
        }
        if (request.tlsCaPem() != null && !request.tlsCaPem().isBlank()) {
            jsonData.put("tlsAuthWithCACert", true);
            secure.put(DesiredDatasource.TLS_CA_CERT, request.tlsCaPem());
        }
        jsonData.put(OwnershipMarker.OWNER, request.owner());
        jsonData.put(OwnershipMarker.TENANT, tenant.tenantName());
        jsonData.put(OwnershipMarker.SECRET_HASH, secretHash(uid, secure));
        // Round trip so that the tree holds what Grafana's JSON will hold (e.g. no POJOs from extraJsonData).
        ObjectNode normalised = (ObjectNode) Json.read(Json.write(jsonData));
        return new DesiredDatasource(tenant.tenantName(), uid, name, url, normalised, Map.copyOf(secure), checkable);
    }

    /** sha256 over uid and the secret values, in key order: changes exactly when what we must send changes. */
    static String secretHash(String uid, Map<String, String> secureJsonData) {
        StringBuilder text = new StringBuilder(uid);
        new TreeMap<>(secureJsonData).forEach((k, v) -> text.append('\n').append(k).append('=').append(v));
        return DatasourceUid.sha256Hex(text.toString());
    }

    private static void validate(DatasourceRequest request) {
        require(request.owner() != null && request.owner().contains("/"), "owner must be namespace/name");
        if (request.throughGateway()) {
            require(notBlank(request.gatewayUrl()), "gatewayUrl is required when datasources go through the gateway");
            require(request.authMode() != null, "authMode is required when datasources go through the gateway");
            if (request.authMode() == AuthMode.BEARER_TOKEN) {
                require(notBlank(request.bearerToken()), "the bearer token for BearerToken authentication is missing or empty");
            }
        } else {
            require(notBlank(request.queryFrontendUrl()), "queryFrontendUrl is required without the gateway");
        }
        Set<String> names = new HashSet<>();
        for (DatasourceRequest.Tenant tenant : request.tenants()) {
            require(tenant != null && notBlank(tenant.tenantName()), "every tenant needs a tenantName");
            require(names.add(tenant.tenantName()), "tenant '" + tenant.tenantName() + "' is listed twice");
            if (!request.throughGateway()) {
                require(notBlank(tenant.tenantId()), "tenant '" + tenant.tenantName() + "' needs a tenantId without the gateway");
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String stripTrailingSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
