package dev.tracegate.tenants;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;

/**
 * The tenants document the gateway reads: the Tempo Operator's TempoStack {@code spec.tenants} block, with each
 * tenant's OIDC client credentials resolved into it. Field names are TempoStack's, so they are kept as written.
 */
// Top level only: a newer provisioner may add sections that this gateway does not know yet.
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantsDocument(Tenants tenants, Upstream upstream) {

    /**
     * Tempo's endpoints, as the TempoGateway's {@code spec.upstream} names them. The provisioner publishes them and a
     * gateway uses them; a field that is absent (always, in a hand-written file) leaves the gateway's own
     * {@code tracegate.upstream.*} setting in force.
     */
    public record Upstream(String queryFrontend, String distributor) {
    }

    public record Tenants(String mode, List<Authentication> authentication, Authorization authorization) {
    }

    public record Authentication(String tenantName, String tenantId, Oidc oidc) {
    }

    /** Path of a tenant's browser sign-in callback; a tenant's redirectURL must end in it. */
    public static String callbackPath(String tenantName) {
        return "/oidc/" + tenantName + "/callback";
    }

    /**
     * A tenant's issuer and client. {@code audiences} and {@code scopes} are Tracegate's extensions of TempoStack's
     * shape: the audiences a bearer token may carry besides the client id, and the scopes the browser's code flow
     * asks for besides {@code openid} (absent: {@code profile email}).
     */
    public record Oidc(
            @JsonProperty("issuerURL") String issuerURL,
            @JsonProperty("redirectURL") String redirectURL,
            String usernameClaim,
            String groupClaim,
            @JsonProperty("clientID") String clientID,
            String clientSecret,
            @JsonProperty("issuerCAPath") String issuerCAPath,
            List<String> audiences,
            List<String> scopes,
            SecretReference secret) {

        /** Never prints the client secret. */
        @Override
        public String toString() {
            return "Oidc[issuerURL=" + issuerURL + ", clientID=" + clientID + ", clientSecret=***]";
        }
    }

    /** TempoStack's pointer to the Kubernetes Secret with the client credentials; the provisioner resolves it. */
    public record SecretReference(String name) {
    }

    public record Authorization(List<Role> roles, List<RoleBinding> roleBindings) {
    }
}
