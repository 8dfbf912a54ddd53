package dev.tracegate.provisioner.gatewayconfig;

import dev.tracegate.provisioner.crd.OidcSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.crd.TenantsSpec;
import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.kube.SecretLookup;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a gateway's configuration from its TempoGateway and the tenants' Secrets. Pure: the same inputs give
 * the same document and ETag, on every replica.
 */
public final class GatewayConfigResolver {
    public static final String CLIENT_ID = "clientID";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String ISSUER_CA_PATH = "issuerCAPath";

    private GatewayConfigResolver() {
    }

    public static ConfigResolution resolve(TempoGateway gateway, SecretLookup secrets) {
        String namespace = gateway.getMetadata().getNamespace();
        TenantsSpec tenants = gateway.getSpec().tenants;
        List<GatewayConfigDocument.Tenant> resolved = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (TenantAuthentication tenant : tenants.authentication) {
            OidcSpec oidc = tenant.oidc;
            String secretName = oidc.secret.name;
            Optional<Secret> secret = secrets.find(namespace, secretName);
            if (secret.isEmpty()) {
                missing.put(tenant.tenantName, "Secret " + secretName + " of tenant " + tenant.tenantName + " not found");
                continue;
            }
            Optional<String> clientId = SecretData.get(secret.get(), CLIENT_ID).filter(v -> !v.isBlank());
            if (clientId.isEmpty()) {
                missing.put(tenant.tenantName, "Secret " + secretName + " of tenant " + tenant.tenantName + " has no " + CLIENT_ID);
                continue;
            }
            resolved.add(new GatewayConfigDocument.Tenant(tenant.tenantName, tenant.tenantId,
                    new GatewayConfigDocument.Oidc(oidc.issuerURL, oidc.redirectURL, oidc.usernameClaim, oidc.groupClaim,
                            clientId.get(),
                            SecretData.get(secret.get(), CLIENT_SECRET).orElse(null),
                            SecretData.get(secret.get(), ISSUER_CA_PATH).filter(v -> !v.isBlank()).orElse(null),
                            oidc.audiences == null || oidc.audiences.isEmpty() ? null : List.copyOf(oidc.audiences))));
        }
        if (!missing.isEmpty()) {
            return new ConfigResolution.Unresolved("TenantSecretMissing", String.join("; ", missing.values()), Map.copyOf(missing));
        }
        // static is the only mode there is (the CRD's enum and default).
        GatewayConfigDocument document = new GatewayConfigDocument(
                new GatewayConfigDocument.Tenants("static", resolved, tenants.authorization));
        return new ConfigResolution.Resolved(document, ConfigRepresentations.etag(document));
    }
}
