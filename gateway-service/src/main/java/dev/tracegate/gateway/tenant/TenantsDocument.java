package dev.tracegate.gateway.tenant;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.tracegate.gateway.rbac.Role;
import dev.tracegate.gateway.rbac.RoleBinding;
import dev.tracegate.gateway.rbac.Subject;

/**
 * The tenants document the gateway reads: the Tempo Operator's TempoStack {@code spec.tenants} block, with each
 * tenant's OIDC client credentials resolved into it. Field names are TempoStack's, so they are kept as written.
 */
// Top level only: the provisioner may add sections (such as upstream) that a gateway does not need.
@JsonIgnoreProperties(ignoreUnknown = true)
// Read by Jackson through reflection, which a native executable must be told about.
@RegisterForReflection(targets = { TenantsDocument.class, TenantsDocument.Tenants.class, TenantsDocument.Authentication.class,
        TenantsDocument.Oidc.class, TenantsDocument.SecretReference.class, TenantsDocument.Authorization.class,
        Role.class, RoleBinding.class, Subject.class })
public record TenantsDocument(Tenants tenants) {

    public record Tenants(String mode, List<Authentication> authentication, Authorization authorization) {
    }

    public record Authentication(String tenantName, String tenantId, Oidc oidc) {
    }

    public record Oidc(
            @JsonProperty("issuerURL") String issuerURL,
            @JsonProperty("redirectURL") String redirectURL,
            String usernameClaim,
            String groupClaim,
            @JsonProperty("clientID") String clientID,
            String clientSecret,
            @JsonProperty("issuerCAPath") String issuerCAPath,
            List<String> audiences,
            SecretReference secret) {
    }

    /** TempoStack's pointer to the Kubernetes Secret with the client credentials; the provisioner resolves it. */
    public record SecretReference(String name) {
    }

    public record Authorization(List<Role> roles, List<RoleBinding> roleBindings) {
    }
}
