package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * Copies one OAuth client (typically Grafana's, so that tokens Grafana forwards are accepted) into the tenants'
 * OIDC Secrets. Without explicit keys, Grafana's environment names are tried first, then clientID/clientSecret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretSyncSpec {
    public static final List<String> DEFAULT_CLIENT_ID_KEYS = List.of("GF_AUTH_GENERIC_OAUTH_CLIENT_ID", "clientID");
    public static final List<String> DEFAULT_CLIENT_SECRET_KEYS = List.of("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "clientSecret");

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the source Secret, in the TempoGateway's namespace.")
    public String sourceSecret;

    @Pattern(Patterns.SECRET_KEY)
    @JsonProperty("clientIDKey")
    @JsonPropertyDescription("Key of the client id in the source; default GF_AUTH_GENERIC_OAUTH_CLIENT_ID, else clientID.")
    public String clientIDKey;

    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key of the client secret in the source; default GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, else clientSecret.")
    public String clientSecretKey;

    @Pattern(Patterns.SECRET_KEY)
    @JsonProperty("issuerCAPathKey")
    @JsonPropertyDescription("Key in the source whose value is copied as issuerCAPath, when present.")
    public String issuerCAPathKey;

    @io.fabric8.generator.annotation.Size(max = TenantsSpec.MAX_TENANTS)
    @JsonPropertyDescription("Tenant names whose Secrets receive the client; empty or absent means all tenants.")
    public List<String> tenants;
}
