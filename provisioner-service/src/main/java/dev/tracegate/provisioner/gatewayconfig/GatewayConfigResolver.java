package dev.tracegate.provisioner.gatewayconfig;

import dev.tracegate.provisioner.crd.Authorization;
import dev.tracegate.provisioner.crd.OidcSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.crd.TenantsSpec;
import dev.tracegate.provisioner.crd.UpstreamSpec;
import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.tenants.InvalidTenantsException;
import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.TenantsValidator;
import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a gateway's tenants document from its TempoGateway and the tenants' Secrets, and checks it with the
 * gateways' own validator: a document a gateway would refuse is never published. Pure: the same inputs give the
 * same document and ETag, on every replica.
 */
public final class GatewayConfigResolver {
    public static final String CLIENT_ID = "clientID";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String ISSUER_CA_PATH = "issuerCAPath";
    /** The condition reason of a document that the validator refuses. */
    public static final String INVALID_TENANTS = "InvalidTenants";

    private GatewayConfigResolver() {
    }

    public static ConfigResolution resolve(TempoGateway gateway, SecretLookup secrets) {
        String namespace = gateway.getMetadata().getNamespace();
        TenantsSpec tenants = gateway.getSpec().tenants;
        List<TenantsDocument.Authentication> resolved = new ArrayList<>();
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
            resolved.add(new TenantsDocument.Authentication(tenant.tenantName, tenant.tenantId,
                    new TenantsDocument.Oidc(oidc.issuerURL, oidc.redirectURL, oidc.usernameClaim, oidc.groupClaim,
                            clientId.get(),
                            SecretData.get(secret.get(), CLIENT_SECRET).orElse(null),
                            SecretData.get(secret.get(), ISSUER_CA_PATH).filter(v -> !v.isBlank()).orElse(null),
                            oidc.audiences == null || oidc.audiences.isEmpty() ? null : List.copyOf(oidc.audiences),
                            // Absent is the gateway's default; an empty list asks for openid alone.
                            oidc.scopes == null ? null : List.copyOf(oidc.scopes),
                            null)));
        }
        if (!missing.isEmpty()) {
            return new ConfigResolution.Unresolved("TenantSecretMissing", String.join("; ", missing.values()), Map.copyOf(missing));
        }
        // static is the only mode there is (the CRD's enum and default).
        TenantsDocument document = new TenantsDocument(
                new TenantsDocument.Tenants("static", resolved, authorization(tenants.authorization)),
                upstream(gateway.getSpec().upstream));
        try {
            TenantsValidator.validate(document);
        } catch (InvalidTenantsException e) {
            return new ConfigResolution.Invalid(e.problems());
        }
        return ConfigResolution.Resolved.of(document);
    }

    /** spec.upstream, published so that the gateway proxies to the Tempo this TempoGateway names. */
    private static TenantsDocument.Upstream upstream(UpstreamSpec spec) {
        return spec == null ? null : new TenantsDocument.Upstream(spec.queryFrontend, spec.distributor);
    }

    /** The CRD's authorization block in the document's types; absent stays absent, for the validator to name. */
    private static TenantsDocument.Authorization authorization(Authorization spec) {
        if (spec == null) {
            return null;
        }
        List<Role> roles = spec.roles == null ? null : spec.roles.stream()
                .map(r -> new Role(r.name, r.resources, r.tenants,
                        r.permissions == null ? null : r.permissions.stream().map(GatewayConfigResolver::wireName).toList()))
                .toList();
        List<RoleBinding> bindings = spec.roleBindings == null ? null : spec.roleBindings.stream()
                .map(b -> new RoleBinding(b.name, b.roles, b.subjects == null ? null : b.subjects.stream()
                        .map(s -> new Subject(s.kind == null ? null : wireName(s.kind), s.name)).toList()))
                .toList();
        return new TenantsDocument.Authorization(roles, bindings);
    }

    /** The enum constant's name as the document spells it (read, write, user, group). */
    private static String wireName(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
