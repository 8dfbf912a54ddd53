package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** How each tenant's Tempo datasource is made in Grafana. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.authentication != 'BearerToken' || has(self.tokenSecret)",
        message = "authentication BearerToken needs tokenSecret")
public class DatasourceSpec {
    @Default("ForwardOAuthIdentity")
    @JsonPropertyDescription("ForwardOAuthIdentity: Grafana forwards the signed-in user's OAuth token to the gateway. "
            + "BearerToken: Grafana sends the token of tokenSecret. Ignored without the gateway (X-Scope-OrgID is sent instead).")
    public Authentication authentication;

    @JsonPropertyDescription("Secret key with the token Grafana sends as Authorization: Bearer (authentication BearerToken).")
    public SecretKeyRef tokenSecret;

    @JsonPropertyDescription("PEM CA bundle Grafana trusts when it calls the gateway or the query-frontend over TLS.")
    public SecretKeyRef caSecret;

    // A free-form object in the schema: values may be strings, numbers, booleans or objects.
    @PreserveUnknownFields
    @SchemaFrom(type = FreeFormObject.class)
    @JsonPropertyDescription("Extra jsonData merged into each datasource (e.g. tracesToLogsV2, serviceMap); the provisioner's own keys win.")
    public Map<String, Object> jsonData;

    @JsonPropertyDescription("Name of each datasource; {tenant}, {tenantId}, {gateway} (the TempoGateway's name), {namespace} "
            + "and {cluster} (the provisioner's tracegate.grafana.cluster, empty when unset) are replaced. Default: Tempo ({tenant}).")
    public String nameTemplate;

    /** Schema stand-in for arbitrary JSON objects. */
    static final class FreeFormObject {
    }

    /** How Grafana authenticates to the gateway. */
    public enum Authentication {
        /** The signed-in user's OAuth identity is forwarded. */
        @JsonProperty("ForwardOAuthIdentity")
        FORWARD_OAUTH_IDENTITY,
        /** A fixed bearer token from a Secret. */
        @JsonProperty("BearerToken")
        BEARER_TOKEN
    }
}
