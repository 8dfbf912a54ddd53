package dev.tracegate.provisioner.gatewayconfig;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tracegate.provisioner.crd.Authorization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The tenants document a gateway reads (DESIGN.md, "The gateway's configuration"): the TempoStack tenants block
 * with each tenant's client credentials resolved into it. Field order is the order of the YAML people know.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Written by a plain ObjectMapper (JSON or YAML), so a native executable must be told to keep these for reflection.
@RegisterForReflection(targets = { GatewayConfigDocument.class, GatewayConfigDocument.Tenants.class,
        GatewayConfigDocument.Tenant.class, GatewayConfigDocument.Oidc.class })
public record GatewayConfigDocument(Tenants tenants) {

    /** The tenants block. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tenants(String mode, List<Tenant> authentication, Authorization authorization) {
    }

    /** One tenant with its resolved OIDC client. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tenant(String tenantName, String tenantId, Oidc oidc) {
    }

    /** A tenant's OIDC settings, credentials included. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Oidc(@JsonProperty("issuerURL") String issuerURL,
                       @JsonProperty("redirectURL") String redirectURL,
                       String usernameClaim,
                       String groupClaim,
                       @JsonProperty("clientID") String clientID,
                       String clientSecret,
                       @JsonProperty("issuerCAPath") String issuerCAPath,
                       List<String> audiences) {

        /** Never prints the client secret. */
        @Override
        public String toString() {
            return "Oidc[issuerURL=" + issuerURL + ", clientID=" + clientID + ", clientSecret=***]";
        }
    }
}
